/* test-accessible.c: every control a screen-reader user can reach has a name to be read out.
 *
 * The real window on a temporary store, with every page and the preferences window built: the
 * test walks all their widgets, hidden pages included, and lists each focusable control that
 * has neither a visible label of its own nor an accessible label or labelled-by relation. */
#include "config.h"

#include <adwaita.h>

#include "pd-application.h"
#include "pd-day-report.h"
#include "pd-preferences-window.h"
#include "pd-sign-in-dialog.h"
#include "pd-trip.h"
#include "pd-test-support.h"
#include "pd-ui-test-support.h"
#include "pd-window.h"

static PdApplication *app;
static PdWindow *window;
static char *db_path;

static gboolean
has_text_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)) != '\0')
        return TRUE;
      if (has_text_label (child))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_labelled (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  return gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
         gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/* Rows carry their title as their name, and entry rows label the text inside them. */
static gboolean
inside_named_row (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW);

  return row != NULL && adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) != NULL &&
         *adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) != '\0';
}

/* Controls whose name comes from what they show. */
static gboolean
named_by_content (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
      GTK_IS_LIST_BOX_ROW (widget) || ADW_IS_SPLIT_BUTTON (widget))
    return has_text_label (widget);
  return FALSE;
}

/* The parts of GTK's and libadwaita's own widgets that are named by their owner. */
static gboolean
is_internal (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (GTK_IS_TEXT (widget) && parent != NULL &&
      (GTK_IS_ENTRY (parent) || GTK_IS_SPIN_BUTTON (parent) || GTK_IS_SEARCH_ENTRY (parent) ||
       GTK_IS_PASSWORD_ENTRY (parent)))
    return TRUE;
  if (parent != NULL && gtk_widget_get_ancestor (parent, GTK_TYPE_DROP_DOWN) != NULL)
    return TRUE;
  /* The preferences window's own search, which is turned off. */
  if (GTK_IS_SEARCH_ENTRY (widget) && gtk_widget_get_ancestor (widget, ADW_TYPE_HEADER_BAR) != NULL &&
      ADW_IS_PREFERENCES_WINDOW (gtk_widget_get_root (widget)) &&
      !adw_preferences_window_get_search_enabled (ADW_PREFERENCES_WINDOW (gtk_widget_get_root (widget))))
    return TRUE;
  return gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW_CONTROLS) != NULL ||
         gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER_MENU) != NULL;
}

/* Hidden (not merely on a page not shown): no one reaches it, e.g. libadwaita's search entry
 * of a preferences window whose search is off. */
static gboolean
is_hidden (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget))
      return TRUE;
  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
         GTK_IS_SWITCH (widget) || GTK_IS_ENTRY (widget) || GTK_IS_TEXT (widget) ||
         GTK_IS_SPIN_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_SCALE (widget) ||
         GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget) ||
         GTK_IS_CALENDAR (widget) || GTK_IS_TEXT_VIEW (widget) || ADW_IS_SPLIT_BUTTON (widget);
}

static guint n_controls;

static void
collect_unnamed (GtkWidget *widget,
                 GPtrArray *unnamed)
{
  n_controls += is_control (widget);
  if (is_control (widget) && !is_internal (widget) && !is_hidden (widget) && !is_labelled (widget) &&
      !named_by_content (widget) && !(inside_named_row (widget) && !GTK_IS_BUTTON (widget) && !GTK_IS_TEXT (widget)))
    {
      const char *tooltip = gtk_widget_get_tooltip_text (widget);
      const char *name = gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget));

      g_autoptr(GString) path = g_string_new (NULL);

      for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL; up = gtk_widget_get_parent (up))
        if (!g_str_has_prefix (G_OBJECT_TYPE_NAME (up), "Gtk"))
          g_string_append_printf (path, " in %s", G_OBJECT_TYPE_NAME (up));
      g_ptr_array_add (unnamed, g_strdup_printf ("%s id=%s tooltip=%s%s", G_OBJECT_TYPE_NAME (widget),
                                                 name ? name : "-", tooltip ? tooltip : "-", path->str));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, unnamed);
}

static void
assert_all_named (GtkWidget  *root,
                  const char *what)
{
  g_autoptr(GPtrArray) unnamed = g_ptr_array_new_with_free_func (g_free);

  n_controls = 0;
  collect_unnamed (root, unnamed);
  g_test_message ("%s: %u controls looked at", what, n_controls);
  /* A walk that found nothing to check would prove nothing. */
  g_assert_cmpuint (n_controls, >, 1);
  for (guint i = 0; i < unnamed->len; i++)
    g_printerr ("%s: no accessible name: %s\n", what, (char *) g_ptr_array_index (unnamed, i));
  g_assert_cmpuint (unnamed->len, ==, 0);
}

static void
test_window (void)
{
  AdwViewStack *stack = pd_ui_view_stack (window);
  g_autoptr(GListModel) pages = G_LIST_MODEL (adw_view_stack_get_pages (stack));

  /* Showing each page builds what its page builds lazily. */
  for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (pages, i);

      adw_view_stack_set_visible_child (stack, adw_view_stack_page_get_child (page));
      pd_ui_wait_for_frames (GTK_WIDGET (window));
    }
  assert_all_named (GTK_WIDGET (window), "window");
}

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *preferences = GTK_WIDGET (pd_preferences_window_new (settings, pd_window_get_store (window)));

  gtk_window_present (GTK_WINDOW (preferences));
  pd_ui_wait_until (pd_ui_mapped, preferences, "the preferences to show");
  assert_all_named (preferences, "preferences");
  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
check_dialog (GtkWindow  *dialog,
              const char *what)
{
  gtk_window_present (dialog);
  pd_ui_wait_until (pd_ui_mapped, dialog, what);
  assert_all_named (GTK_WIDGET (dialog), what);
  gtk_window_destroy (dialog);
}

static void
test_dialogs (void)
{
  g_autoptr(PdReference) reference = pd_store_get_reference (pd_window_get_store (window));

  check_dialog (GTK_WINDOW (pd_sign_in_dialog_new (GTK_WINDOW (window), pd_window_get_station (window))),
                "sign-in");
  check_dialog (GTK_WINDOW (pd_day_report_dialog_new (GTK_WINDOW (window))), "day report");
  check_dialog (GTK_WINDOW (pd_trip_dialog_new (GTK_WINDOW (window), reference, NULL)), "trip");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  int status;

  pd_test_init (&argc, &argv);
  dir = pd_test_make_tmpdir ();
  db_path = g_build_filename (dir, "passdesk.db", NULL);
  window = pd_ui_new_window (db_path, &app);
  pd_ui_present_window (window);

  g_test_add_func ("/accessible/window", test_window);
  g_test_add_func ("/accessible/preferences", test_preferences);
  g_test_add_func ("/accessible/dialogs", test_dialogs);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_free (db_path);
  return status;
}
