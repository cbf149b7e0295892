/* test-layout.c: the counter's screen at 1366x768 on the real window: the form uses the
 * width (columns), the ticket being served stays in sight for the round, long
 * messages are shown whole, each station shows only what its role uses, and the shortcuts
 * window lays out without warnings. Screenshots (layout-*.png) go to
 * <build>/tests/ui/screenshots/ for a person to look at. */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-declaration-code.h"
#include "pd-form-columns.h"
#include "pd-message-bar.h"
#include "pd-print-queue.h"
#include "pd-store.h"
#include "pd-test-support.h"
#include "pd-toast.h"
#include "pd-ui-test-support.h"

#define WAIT_SECONDS 60

static PdApplication *app;
static PdWindow *window;
static char *declaration_code;
static guint n_tickets;

static char *
next_ticket (gpointer data)
{
  return g_strdup_printf ("A%04u", 41 + ++n_tickets);
}

static PdDossierForm *
form (void)
{
  return pd_ui_form (window);
}

static gboolean
form_filled (gpointer data)
{
  return g_strcmp0 (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_FULL_NAME),
                    data) == 0;
}

static gboolean
visible_widget (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static gboolean
hidden_widget (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static GtkWidget *
find_ticket_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), "A00") != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_ticket_label (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The label that says the ticket served (tickets here are A0042, A0043…), next to the
 * message bar: the header has no room for it. */
static GtkWidget *
serving_label (void)
{
  return find_ticket_label (gtk_widget_get_parent (pd_ui_find_child (window, PD_TYPE_MESSAGE_BAR)));
}

/* How many of the form's visible field rows lie whole inside its scrolled window. */
static guint
rows_in_view (guint *n_rows)
{
  PdDossierForm *f = form ();
  GtkWidget *scrolled = NULL;
  guint n = 0;

  *n_rows = 0;
  for (guint i = 0; i < PD_N_FIELDS; i++)
    {
      GtkWidget *row = pd_dossier_form_get_row (f, i);
      graphene_rect_t bounds;

      if (row == NULL || !gtk_widget_get_mapped (row))
        continue;
      if (scrolled == NULL)
        scrolled = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
      (*n_rows)++;
      g_assert_true (gtk_widget_compute_bounds (row, scrolled, &bounds));
      if (bounds.origin.y >= 0 && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scrolled) &&
          bounds.origin.x >= 0 && bounds.origin.x + bounds.size.width <= gtk_widget_get_width (scrolled))
        n++;
    }
  return n;
}

/* The counter officer mid-application: Call Next, the declaration scanned. */
static void
test_counter_wide (void)
{
  PdFormColumns *columns;
  GtkWidget *label;
  guint n_rows, n_in_view;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.call-next", NULL);
  pd_window_handle_scan (window, declaration_code);
  pd_ui_wait_until (form_filled, (gpointer) "Phạm Thị Thu Hương", "the declaration to fill the form");
  pd_ui_wait_for_frames (GTK_WIDGET (window));

  columns = pd_ui_find_child (window, PD_TYPE_FORM_COLUMNS);
  g_assert_nonnull (columns);
  g_assert_cmpuint (pd_form_columns_get_n_columns (columns), >=, 2);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (columns)), >, 1000);
  n_in_view = rows_in_view (&n_rows);
  g_print ("1366x768: %u of %u field rows in view without scrolling\n", n_in_view, n_rows);
  /* One 576-px column showed 9. */
  g_assert_cmpuint (n_in_view, >=, 20);

  label = serving_label ();
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "A0042"));
  pd_ui_save_screenshot (GTK_WIDGET (window), "layout-counter-1366x768.png");
}

static gboolean
columns_are (gpointer data)
{
  gpointer *args = data;

  return gtk_widget_get_mapped (args[0]) &&
         pd_form_columns_get_n_columns (args[0]) == GPOINTER_TO_UINT (args[1]);
}

/* Narrower windows take fewer columns, down to one, and the rows stay readable. */
static void
test_narrow (void)
{
  static const int widths[] = { 1366, 1024, 800 };
  static const guint expected[] = { 3, 2, 1 };
  GtkWindow *test_window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  PdFormColumns *columns = g_object_new (PD_TYPE_FORM_COLUMNS, NULL);
  GtkWidget *first_row = NULL;

  for (guint g = 0; g < 8; g++)
    {
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), "Nhóm");
      for (guint r = 0; r < 4; r++)
        {
          GtkWidget *row = adw_entry_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Nơi cấp giấy tờ tùy thân");
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          if (first_row == NULL)
            first_row = row;
        }
      pd_form_columns_add (columns, group);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (columns));
  gtk_window_set_child (test_window, scrolled);

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      gpointer args[] = { columns, GUINT_TO_POINTER (expected[i]) };

      gtk_window_set_default_size (test_window, widths[i], 700);
      gtk_window_present (test_window);
      pd_ui_wait_until (columns_are, args, "the columns to follow the width");
      pd_ui_wait_for_frames (GTK_WIDGET (test_window));
      g_assert_cmpint (gtk_widget_get_width (first_row), >=, 400);
    }
  gtk_window_destroy (test_window);
}

static gboolean
toast_gone (gpointer data)
{
  /* Frames, as the toast's animation paints them when animations are on: a toast goes only
   * after a frame painted once it has slid in. */
  gtk_widget_queue_draw (GTK_WIDGET (window));
  return *(AdwToast **) data == NULL;
}

/* The message bar of older news is closed, as the officer would, before a screenshot. */
static void
close_message (void)
{
  GtkWidget *bar = pd_ui_find_child (window, PD_TYPE_MESSAGE_BAR);

  if (gtk_widget_get_visible (bar))
    gtk_widget_activate_action (bar, "message-bar.close", NULL);
  g_assert_false (gtk_widget_get_visible (bar));
}

/* A message longer than a toast's line is shown whole, wrapped, and a short one as a toast
 * takes its place. */
static void
test_long_message (void)
{
  PdMessageBar *bar = pd_ui_find_child (window, PD_TYPE_MESSAGE_BAR);
  GtkLabel *label = pd_message_bar_get_label (bar);
  GtkWidget *overlay = pd_ui_find_child (window, ADW_TYPE_TOAST_OVERLAY);
  AdwToast *short_toast;
  const char *message;

  /* Nothing accepted yet in this window: a long explanation. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.print-again", NULL);
  message = pd_window_get_scan_message (window);
  g_assert_cmpint (g_utf8_strlen (message, -1), >, 60);
  pd_ui_wait_until (visible_widget, bar, "the message bar to show");
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_assert_cmpstr (gtk_label_get_label (label), ==, message);
  g_assert_true (gtk_label_get_wrap (label));
  g_assert_cmpint (gtk_label_get_ellipsize (label), ==, PANGO_ELLIPSIZE_NONE);
  g_assert_true (pd_ui_shows_label (GTK_WIDGET (window), message));
  pd_ui_save_screenshot (GTK_WIDGET (window), "layout-long-message.png");

  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));

  /* Longer than the window is wide: on more lines, to its last word. */
  {
    g_autoptr(GString) longer = g_string_new (NULL);

    while (longer->len < 400)
      g_string_append (longer, "Quét lại phiếu hẹn của người nộp hồ sơ rồi kiểm tra ảnh. ");
    g_string_append (longer, "Hết.");
    g_assert_null (pd_toast_show (overlay, adw_toast_new (longer->str)));
    pd_ui_wait_for_frames (GTK_WIDGET (window));
    g_assert_cmpstr (gtk_label_get_label (label), ==, longer->str);
    g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (label)), >=, 2);
    g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));
    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (bar)), <=, gtk_widget_get_width (GTK_WIDGET (window)));
    pd_ui_save_screenshot (GTK_WIDGET (window), "layout-long-message-wrapped.png");
  }

  /* A short confirmation is a toast, and the older news in the bar goes. */
  short_toast = adw_toast_new ("Đã lưu");
  adw_toast_set_timeout (short_toast, 60);
  g_signal_connect_swapped (short_toast, "dismissed", G_CALLBACK (g_nullify_pointer), &short_toast);
  g_assert_true (pd_toast_show (overlay, short_toast) == short_toast);
  pd_ui_wait_until (hidden_widget, bar, "a short message to hide the bar");

  /* And a long message after it: the toast goes once it has slid in (never before: see
   * pd-toast.c), long before its own timeout. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.print-again", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  pd_ui_wait_until_within (10, toast_gone, &short_toast, "the older toast to go");
  close_message ();
}

/* An assisted-entry volunteer: the form, no queue, no Call Next. */
static void
test_volunteer (void)
{
  AdwViewStack *stack = pd_ui_view_stack (window);

  GtkWidget *entrance = adw_view_stack_get_child_by_name (stack, "entrance");
  guint tickets_before = n_tickets;

  pd_station_set_role (pd_window_get_station (window), PD_ROLE_VOLUNTEER, "tinhnguyen");
  close_message ();
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, GTK_WIDGET (pd_ui_queue_page (window)))));
  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, entrance)));
  g_assert_false (gtk_widget_get_visible (pd_ui_find_button (GTK_WIDGET (window), _("Call _Next"))));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.call-next", NULL);
  g_assert_cmpuint (n_tickets, ==, tickets_before);
  g_assert_cmpuint (pd_form_columns_get_n_columns (pd_ui_find_child (window, PD_TYPE_FORM_COLUMNS)), >=, 2);
  pd_ui_save_screenshot (GTK_WIDGET (window), "layout-volunteer-1366x768.png");
}

/* A mobile team has no office queue: no Call Next, no Tickets page, and F2 does nothing. */
static void
test_mobile_team (void)
{
  GSettings *settings = pd_application_get_settings (app);
  AdwViewStack *stack = pd_ui_view_stack (window);
  GtkWidget *call_next = pd_ui_find_button (GTK_WIDGET (window), _("Call _Next"));
  GtkWidget *entrance = adw_view_stack_get_child_by_name (stack, "entrance");
  guint tickets_before;

  pd_station_set_role (pd_window_get_station (window), PD_ROLE_OFFICER, "canbo");
  g_assert_nonnull (call_next);
  g_assert_true (gtk_widget_get_visible (call_next));
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, entrance)));

  g_settings_set_boolean (settings, "mobile-team", TRUE);
  pd_ui_wait_until (hidden_widget, call_next, "Call Next to go at a mobile team's station");
  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, entrance)));
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, GTK_WIDGET (pd_ui_queue_page (window)))));

  /* The action is off: neither F2 nor the action reaches the queue. */
  pd_dossier_form_clear (form ());
  tickets_before = n_tickets;
  gtk_widget_activate_action (GTK_WIDGET (window), "win.call-next", NULL);
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_assert_cmpuint (n_tickets, ==, tickets_before);
  g_assert_true (serving_label () == NULL || !gtk_widget_get_visible (serving_label ()));

  /* In the field: a declaration pulled before the trip, scanned off the citizen's phone. */
  pd_window_handle_scan (window, declaration_code);
  pd_ui_wait_until (form_filled, (gpointer) "Phạm Thị Thu Hương", "the declaration at the mobile team");
  close_message ();
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  pd_ui_save_screenshot (GTK_WIDGET (window), "layout-mobile-1366x768.png");
  pd_dossier_form_clear (form ());

  g_settings_set_boolean (settings, "mobile-team", FALSE);
  pd_ui_wait_until (visible_widget, call_next, "Call Next back at a counter");
}

/* The round ends: the ticket goes. */
static void
test_serving_cleared (void)
{
  PdUiSaveWatch saves;
  GtkWidget *label;

  pd_dossier_form_clear (form ());
  gtk_widget_activate_action (GTK_WIDGET (window), "win.call-next", NULL);
  label = serving_label ();
  g_assert_nonnull (label);
  pd_ui_wait_until (visible_widget, label, "the ticket called to show");
  pd_window_handle_scan (window, declaration_code);
  pd_ui_wait_until (form_filled, (gpointer) "Phạm Thị Thu Hương", "the declaration again");

  pd_ui_watch_saves (&saves, window);
  g_assert_true (pd_dossier_form_set_aside (form (), PD_STATUS_ON_HOLD, "Thiếu giấy khai sinh"));
  g_object_unref (pd_ui_wait_for_save (&saves, "the application to be held"));
  pd_ui_wait_until (hidden_widget, label, "the ticket to go");
}

/* The shortcuts window lays out without GTK complaining about a label's size: g_test_init()
 * makes every warning fatal, GTK's structured ones included. */
static void
test_shortcuts_window (void)
{
  GtkWindow *shortcuts;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  shortcuts = pd_ui_wait_for_toplevel (GTK_TYPE_SHORTCUTS_WINDOW, "the shortcuts window");
  pd_ui_wait_for_frames (GTK_WIDGET (shortcuts));
  gtk_window_set_default_size (shortcuts, 700, 500);
  pd_ui_wait_for_frames (GTK_WIDGET (shortcuts));
  pd_ui_save_screenshot (GTK_WIDGET (shortcuts), "layout-shortcuts.png");
  gtk_window_close (shortcuts);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *print_dir = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* The officers read Vietnamese, whose longer words are what a layout must hold. */
  g_setenv ("LANGUAGE", "vi", TRUE);
  pd_test_init (&argc, &argv);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  textdomain (GETTEXT_PACKAGE);

  dir = pd_test_make_tmpdir ();
  db_path = g_build_filename (dir, "passdesk.db", NULL);
  print_dir = g_build_filename (dir, "printed", NULL);
  declaration_code = pd_declaration_code_build ("01", 424242, &error);
  g_assert_no_error (error);

  window = pd_ui_new_window (db_path, &app);
  pd_ui_disable_animations (window);
  pd_print_queue_set_export_dir (pd_window_get_print_queue (window), print_dir);
  pd_station_set_ticket_source (pd_window_get_station (window), next_ticket, NULL, NULL);
  pd_ui_present_window (window);
  pd_ui_store_declaration (pd_window_get_store (window), "Phạm Thị Thu Hương", "001190004242",
                           declaration_code, "Số 12 ngõ 34 phố Khâm Thiên, Đống Đa, Hà Nội");

  g_test_add_func ("/layout/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/layout/counter-wide", test_counter_wide);
  g_test_add_func ("/layout/narrow", test_narrow);
  g_test_add_func ("/layout/long-message", test_long_message);
  g_test_add_func ("/layout/serving-cleared", test_serving_cleared);
  g_test_add_func ("/layout/volunteer", test_volunteer);
  g_test_add_func ("/layout/mobile-team", test_mobile_team);
  status = g_test_run ();

  pd_ui_close_window (&window);
  g_clear_object (&app);
  g_free (declaration_code);
  return status;
}
