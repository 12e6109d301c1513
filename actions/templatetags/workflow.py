"""Template tags of the staff workflow, used on the public pages for signed-in users."""

from django import template

register = template.Library()


@register.inclusion_tag("actions/includes/item_workflow.html", takes_context=True)
def item_workflow(context, item):
    """Edit links and the change history of an item, for users who may see them."""
    return {"item": item, "request": context.get("request")}
