from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.views.generic import TemplateView

from accounts.models import Role

from .models import TeamMembership
from .selectors import inspections_visible_to

HOME_INTRODUCTIONS = {
    Role.ADMINISTRATOR: "You can see every inspection. Manage people, services and frameworks in the administration pages.",
    Role.LEAD_INSPECTOR: "Inspections you lead or work on. Set up an inspection, draw its sample, allocate cases and check the ratings.",
    Role.INSPECTOR: "Inspections you are on. Open one to see the cases allocated to you.",
    Role.PANEL_MEMBER: "Inspections whose ratings panel you sit on. Open one to see its ratings and the discretion triggers.",
}


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "inspections/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = TeamMembership.objects.filter(user=user)
        inspections = inspections_visible_to(user).prefetch_related(
            Prefetch("team", queryset=memberships, to_attr="my_memberships")
        )
        return super().get_context_data(
            inspections=inspections,
            introduction=HOME_INTRODUCTIONS.get(user.role, ""),
            **kwargs,
        )
