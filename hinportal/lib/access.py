"""Who may see and change what: the portal's roles, and each record's owning network.

Every model that staff edit names the path from a row to the network that owns it in
`owner_path` (for example `"icb__network"` on an adoption): that is the one place its access
rule lives. A model whose rows every network shares (the search's synonyms) says `SHARED`: any
network's staff may change them. National administrators see and change everything; network editors and publishers
see and change what their own network owns; editors change only drafts and records in review,
publishers also publish, unpublish and archive. ICS leads have no admin access.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import HttpRequest

# Whoever is asking: a signed-in account or an anonymous visitor.
Person = AbstractBaseUser | AnonymousUser
# The owner_path of records that belong to every network alike.
SHARED = "(every network)"

NATIONAL_ADMIN = "National administrator"
EDITOR = "Network editor"
PUBLISHER = "Network publisher"
ICS_LEAD = "ICS lead"
# What each role may do at all, as Django model permissions (app label: model names); the record
# level limits below narrow it to a network's own records and, for editors, to unpublished ones.
EDITED = {
    "innovations": [
        *("innovation", "evidenceitem", "niceguidance", "innovationfact", "adoption", "programme"),
        *("helprequest", "helpreply"),
    ],
    "reviews": ["publication", "recommendation"],
    "hinportal": ["synonym"],
}
VIEWED = {"networks": ["network", "integratedcareboard"]}
PUBLISH = ["publish_innovation", "publish_programme", "publish_publication"]
# Publishers lead their network's team on the portal: they invite its staff and its ICBs' leads.
INVITING = {"networks": ["invitation"]}
NATIONAL_APPS = ["innovations", "reviews", "networks", "auth", "axes"]


def ensure_roles(**kwargs: Any) -> None:
    """Create the role groups with their permissions, or bring them up to date (idempotent). Run
    after every migrate and every test database flush (post_migrate), so that the roles never
    depend on data a flush removed."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

    def grants(models: dict[str, list[str]], actions: list[str]) -> list[Permission]:
        codenames = [f"{action}_{model}" for names in models.values() for model in names for action in actions]
        return list(Permission.objects.filter(content_type__app_label__in=list(models), codename__in=codenames))

    editing = grants(EDITED, ["add", "change", "delete", "view"]) + grants(VIEWED, ["view"])
    publishing = list(Permission.objects.filter(codename__in=PUBLISH)) + grants(INVITING, ["add", "view", "delete"])
    roles = {
        NATIONAL_ADMIN: list({*Permission.objects.filter(content_type__app_label__in=NATIONAL_APPS), *editing}),
        EDITOR: editing,
        PUBLISHER: editing + publishing,
        ICS_LEAD: [],
    }
    for name, permissions in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


# The signed-in person (Django's auth.User), their membership (networks.Membership) and their role
# names (auth groups), in one statement.
PERSON_SQL = """
    SELECT person.*, membership.network_id AS member_of_network, membership.icb_id AS member_of_icb,
           ARRAY(SELECT role.name FROM auth_group role
                 JOIN auth_user_groups held ON held.group_id = role.id
                 WHERE held.user_id = person.id) AS role_names
    FROM auth_user person
    LEFT JOIN networks_membership membership ON membership.user_id = person.id
    WHERE person.id = %s
"""


class PersonBackend(ModelBackend):
    """Django's own accounts, with the signed-in person read on each request together with their
    role names and membership: one query rather than three, written out because the ORM takes
    longer to build it than the database takes to answer. Nothing is kept between requests, so a
    role or membership taken away counts from the person's next request."""

    def get_user(self, user_id: Any) -> Any:
        user: Any = next(iter(get_user_model()._default_manager.raw(PERSON_SQL, [user_id])), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user._portal_roles = set(user.role_names)  # read by _roles
        user._portal_membership = (user.member_of_network, user.member_of_icb)  # read by _membership
        return user


def _roles(user: Person) -> set[str]:
    """The person's role names, looked up once per request (kept on the user object)."""
    if not user.is_authenticated:
        return set()
    roles: set[str] | None = getattr(user, "_portal_roles", None)
    if roles is None:
        roles = set(getattr(user, "groups").values_list("name", flat=True))  # noqa: B009 (no stub knows groups)
        setattr(user, "_portal_roles", roles)  # noqa: B010
    return roles


def is_national_admin(user: Person) -> bool:
    active = user.is_authenticated and user.is_active
    return bool(active and (getattr(user, "is_superuser", False) or NATIONAL_ADMIN in _roles(user)))


def may_reset_second_factor(user: Person) -> bool:
    """Only a national administrator may reset a colleague's second factor (hinportal.lib.second_factor)."""
    return is_national_admin(user)


def is_publisher(user: Person) -> bool:
    return PUBLISHER in _roles(user)


def is_network_staff(user: Person) -> bool:
    return bool(_roles(user) & {EDITOR, PUBLISHER})


def _membership(user: Person) -> tuple[int | None, int | None]:
    """The network and the ICB the person belongs to (at most one of them is set)."""
    if not user.is_authenticated:
        return None, None
    if not hasattr(user, "_portal_membership"):
        membership = getattr(user, "membership", None)
        found = (membership.network_id, membership.icb_id) if membership else (None, None)
        setattr(user, "_portal_membership", found)  # noqa: B010
    ids: tuple[int | None, int | None] = getattr(user, "_portal_membership")  # noqa: B009
    return ids


def audience(user: Person) -> str:
    """Everything about a person that may change what a page shows them, and nothing else: whether
    they are signed in, a superuser, staff or verified by a second factor, their roles and their
    membership (anyone signed in is active: the backend refuses the rest). Two people with the same
    audience see the same page, bar the CSRF token in its forms, wherever a view is wrapped in
    page_cache.audience_page (tests check that it holds)."""
    if not user.is_authenticated:
        return "public"
    network_id, icb_id = _membership(user)
    verified = getattr(user, "is_verified", lambda: False)()
    flags = [getattr(user, "is_superuser", False), getattr(user, "is_staff", False), verified]
    return f"{''.join('1' if flag else '0' for flag in flags)}:{'|'.join(sorted(_roles(user)))}:{network_id}:{icb_id}"


def staff_network_id(user: Person) -> int | None:
    """The network a member of its staff belongs to, or None."""
    return _membership(user)[0] if is_network_staff(user) else None


def lead_icb_id(user: Person) -> int | None:
    """The ICB an ICS lead belongs to, or None."""
    return _membership(user)[1] if ICS_LEAD in _roles(user) else None


def may_invite(user: Person, network_id: int | None) -> bool:
    """Whether this person may invite people to this network's team (its staff and the leads of
    the ICBs it covers): a national administrator, or one of the network's publishers."""
    return is_national_admin(user) or (
        is_publisher(user) and network_id is not None and staff_network_id(user) == network_id
    )


def may_record_adoption(user: Person, icb_id: int) -> bool:
    """Whether this person may record their own ICB's adoption of an innovation on the portal's
    pages (not the staff screens, where network staff record any ICB's in their network)."""
    return lead_icb_id(user) == icb_id


def scope(queryset: models.QuerySet, user: Person) -> models.QuerySet:
    """The rows of a queryset that this person may see in the admin."""
    if is_national_admin(user):
        return queryset
    network_id = staff_network_id(user)
    path = getattr(queryset.model, "owner_path", None)
    if network_id is None or path is None:
        return queryset.none()
    if path == SHARED:
        return queryset
    return queryset.filter(**{path: network_id})


def choosable(queryset: Any, user: Person) -> models.QuerySet:
    """Records a person may pick when saying what something adopts, spreads or concerns: anything
    public (published records, reference data) and their own network's drafts."""
    if is_national_admin(user) or not hasattr(queryset.model, "transition"):
        return queryset
    network_id = staff_network_id(user)
    own = queryset.filter(**{queryset.model.owner_path: network_id}) if network_id else queryset.none()
    return queryset.published() | own


def owner_network_id(obj: models.Model) -> int | None:
    """The id of the network that owns a record, following its model's owner_path."""
    path = getattr(obj, "owner_path", None)
    if path is None or path == SHARED:
        return None  # a record no network owns (memberships) or every network shares
    if path == "pk":
        return obj.pk
    target: Any = obj
    for step in path.split("__")[:-1]:
        target = getattr(target, step, None)
        if target is None:
            return None
    return getattr(target, f"{path.split('__')[-1]}_id", None)


def owns(user: Person, obj: models.Model) -> bool:
    network_id = staff_network_id(user)
    if getattr(obj, "owner_path", None) == SHARED:
        return network_id is not None
    return network_id is not None and owner_network_id(obj) == network_id


def workflow_record(obj: models.Model) -> Any:
    """The record whose publishing status governs editing this one: itself, or its parent for a
    child record (evidence of an innovation); None for records with no workflow (adoptions)."""
    parent = getattr(obj, "workflow_parent", None)
    target = getattr(obj, parent) if parent else obj
    return target if hasattr(target, "transition") else None


def can_preview(user: Person, obj: models.Model) -> bool:
    """Published records are public; the owning network's staff and national administrators may
    also see the rest on their public page, and an ICS lead the records their own ICB submitted,
    in whatever state."""
    if bool(getattr(obj, "is_published", True)) or is_national_admin(user) or owns(user, obj):
        return True
    path = getattr(obj, "submitter_path", None)
    icb_id = lead_icb_id(user)
    return bool(path and icb_id is not None and getattr(obj, f"{path}_id", None) == icb_id)


def submitted_here(user: Person, obj: models.Model) -> bool:
    """A record an ICS lead's own ICB submitted, while it is a draft: theirs to change and submit.
    Models say which relation names the submitting ICB in `submitter_path`."""
    icb_id = lead_icb_id(user)
    path = getattr(obj, "submitter_path", None)
    if icb_id is None or path is None:
        return False
    return bool(getattr(obj, f"{path}_id", None) == icb_id and getattr(obj, "is_draft", False))


def can_change(user: Person, obj: models.Model) -> bool:
    if is_national_admin(user) or submitted_here(user, obj):
        return True
    if not owns(user, obj):
        return False
    record = workflow_record(obj)
    return record is None or bool(record.editable_by_editors) or is_publisher(user)


def can_publish(user: Person, obj: models.Model) -> bool:
    return is_national_admin(user) or (is_publisher(user) and owns(user, obj))


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from, for sign-in lock-out: behind our load balancer, the last
    address it appended to X-Forwarded-For (earlier ones are the client's to forge)."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
