// What autosave keeps in this browser until the server has it (localStorage "yjis-unsaved:<user>:<case>")
// belongs to one person. On every page signed in as someone, anything kept for another account is removed;
// on the page after signing out, everything is removed. A session that merely ended (the sign-in page, no
// one signed in) keeps it, so that the same person signing in again gets their changes back.
const PREFIX = "yjis-unsaved:";

function removeAllBut(userId) {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(PREFIX) && !(userId && key.startsWith(`${PREFIX}${userId}:`))) localStorage.removeItem(key);
  }
}

try {
  if (document.querySelector("[data-clear-unsaved]")) {
    removeAllBut(null);
  } else {
    const user = document.querySelector('meta[name="app-user"]');
    if (user && user.content) removeAllBut(user.content);
  }
} catch {
  // No localStorage (disabled, or private browsing): nothing is kept in it either.
}
