/* pd-drop-down.c: drop-downs of long lists (provinces, communes) found by typing.
 *
 * GTK 4.8's GtkDropDown searches only by the start of the whole text, marks and Đ counted
 * ("kiem" never finds "Phường Hoàn Kiếm"), and Enter in its search field picks nothing. Its
 * filter is its own; what it compares is the value of its expression. So the expression
 * answers the search text itself for a name that matches as pd_text_search_matches() says,
 * and nothing for one that does not: the drop-down's filter then keeps exactly those. The
 * popup's search field and list are found in the widget tree, as GTK gives no getter.
 */
#define G_LOG_DOMAIN "pd-drop-down"

#include "config.h"

#include "pd-drop-down.h"
#include "pd-text.h"

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child : find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkPopover *
find_popover (GtkDropDown *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      return GTK_POPOVER (child);
  return NULL;
}

GtkEditable *
pd_drop_down_get_search_entry (GtkDropDown *self)
{
  GtkPopover *popover;

  g_return_val_if_fail (GTK_IS_DROP_DOWN (self), NULL);

  popover = find_popover (self);
  return popover ? GTK_EDITABLE (find_descendant (GTK_WIDGET (popover), GTK_TYPE_SEARCH_ENTRY)) : NULL;
}

static char *
search_value (GtkStringObject *item,
              const char      *name,
              GtkDropDown     *self)
{
  GtkEditable *entry = pd_drop_down_get_search_entry (self);
  const char *query = entry ? gtk_editable_get_text (entry) : "";
  g_autofree char *folded = pd_text_fold (name);

  return g_strdup (pd_text_search_matches (folded, query) ? query : "");
}

/* Enter in the search field: the first name still listed. */
static void
search_activate_cb (GtkDropDown *self)
{
  GtkPopover *popover = find_popover (self);
  GtkWidget *list = popover ? find_descendant (GTK_WIDGET (popover), GTK_TYPE_LIST_VIEW) : NULL;
  GListModel *shown = list ? G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list))) : NULL;
  GListModel *all = gtk_drop_down_get_model (self);
  g_autoptr(GObject) first = NULL;

  if (shown == NULL || all == NULL || g_list_model_get_n_items (shown) == 0)
    return;
  first = g_list_model_get_item (shown, 0);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (all, i);

      if (item == first)
        {
          gtk_drop_down_set_selected (self, i);
          break;
        }
    }
  gtk_popover_popdown (popover);
}

static gboolean
focus_search_cb (gpointer data)
{
  GtkWidget *entry = data;

  if (gtk_widget_get_mapped (entry))
    gtk_widget_grab_focus (entry);
  return G_SOURCE_REMOVE;
}

/* Opening starts a new search, typed straight away. The drop-down gives the focus to the
 * chosen item once it has shown its list, so the search field takes it after that. */
static void
popover_shown_cb (GtkDropDown *self)
{
  GtkEditable *entry = pd_drop_down_get_search_entry (self);

  if (entry == NULL)
    return;
  gtk_editable_set_text (entry, "");
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, focus_search_cb, g_object_ref (entry), g_object_unref);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  in_popup)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* The popup shows whole names, on one line, long as some communes' are. */
  if (!in_popup)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (string));
}

static GtkListItemFactory *
make_factory (gboolean in_popup)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (in_popup));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  return factory;
}

GtkWidget *
pd_drop_down_new (const char *accessible_name)
{
  GtkWidget *self = gtk_drop_down_new (NULL, NULL);
  GtkExpression *name = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  GtkExpression *value = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, &name,
                                                      G_CALLBACK (search_value), self, NULL);
  g_autoptr(GtkListItemFactory) factory = make_factory (FALSE);
  g_autoptr(GtkListItemFactory) list_factory = make_factory (TRUE);
  GtkPopover *popover;
  GtkEditable *entry;

  gtk_drop_down_set_factory (GTK_DROP_DOWN (self), factory);
  gtk_drop_down_set_list_factory (GTK_DROP_DOWN (self), list_factory);
  gtk_drop_down_set_expression (GTK_DROP_DOWN (self), value);
  gtk_expression_unref (value);
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);

  popover = find_popover (GTK_DROP_DOWN (self));
  entry = pd_drop_down_get_search_entry (GTK_DROP_DOWN (self));
  g_return_val_if_fail (popover != NULL && entry != NULL, self);
  g_signal_connect_object (popover, "show", G_CALLBACK (popover_shown_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (entry, "activate", G_CALLBACK (search_activate_cb), self, G_CONNECT_SWAPPED);
  /* Typed while the list has the focus (after the arrow keys), letters still search. */
  gtk_search_entry_set_key_capture_widget (GTK_SEARCH_ENTRY (entry), GTK_WIDGET (popover));
  return self;
}
