from django.urls import path

from . import views

app_name = "cases"

case = "<slug:reference>/cases/<int:case_id>/"

urlpatterns = [
    path("<slug:reference>/my-cases/", views.MyCasesView.as_view(), name="my-cases"),
    path("<slug:reference>/progress/", views.ProgressView.as_view(), name="progress"),
    path(case, views.TaskListView.as_view(), name="task-list"),
    path(f"{case}facts/", views.CaseFactsView.as_view(), name="facts"),
    path(f"{case}standards/<str:code>/", views.StandardView.as_view(), name="standard"),
    path(f"{case}autosave/", views.AutosaveView.as_view(), name="autosave"),
    path(f"{case}check/", views.CheckView.as_view(), name="check"),
    path(f"{case}review/", views.ReviewView.as_view(), name="review"),
    path(f"{case}print/", views.PrintView.as_view(), name="print"),
    path(f"{case}history/", views.HistoryView.as_view(), name="history"),
    path("<slug:reference>/quality-assurance/", views.QaQueueView.as_view(), name="qa-queue"),
    path(
        f"{case}review/key-questions/<str:code>/comment/", views.CommentAddView.as_view(), name="comment-add"
    ),
    path(
        f"{case}review/comments/<int:comment_id>/withdraw/",
        views.CommentWithdrawView.as_view(),
        name="comment-withdraw",
    ),
    path(
        f"{case}comments/<int:comment_id>/answer/", views.CommentAnswerView.as_view(), name="comment-answer"
    ),
]
