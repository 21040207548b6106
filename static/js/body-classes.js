// Runs first in <body>, before GOV.UK Frontend, so components style themselves without a flash.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
