"""The floor of ./dev bench's save figure: an endpoint that does only the database writes of an answer save
(one UPDATE of the prompt answer, its history trigger included, in a transaction), behind the same session,
authentication and CSRF middleware as the real one. It exists only in the benchmark's own server
(bench.wsgi, whose URLs are bench.urls): config.urls never includes it, so production has no such URL."""

import json

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from cases.models import PromptAnswer
from inspections.models import Prompt


@require_POST
def floor_save(request, case_id: int):
    if not request.user.is_authenticated:
        return JsonResponse({"error": "signed_out"}, status=401)
    change = json.loads(request.body)
    answers, prompts = PromptAnswer._meta.db_table, Prompt._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {answers} a SET value = %s, version = a.version + 1, updated_by_id = %s, updated_at = now() "
            f"FROM {prompts} p WHERE p.id = a.prompt_id AND a.case_id = %s AND p.code = %s RETURNING a.version",
            [change["fields"]["value"], request.user.pk, case_id, change["code"]],
        )
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"error": "invalid"}, status=400)
    return JsonResponse({"version": row[0], "changed": True})
