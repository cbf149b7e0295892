/* test-window.c: the real window on a temporary store, driven through its widgets.
 *
 * The cases run in order on one window, as an officer would use it: open, type an
 * application and save it, find it in the queue, then get a bad one refused. Screenshots go
 * to <build>/tests/ui/screenshots/ for a person to look at. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-preferences-window.h"
#include "pd-store.h"
#include "pd-store-private.h"
#include "pd-test-support.h"
#include "pd-ui-test-support.h"
#include "pd-window.h"

#define WAIT_SECONDS 30

static PdApplication *app;
static PdWindow *window;
static char *db_path;

static const char *good_name = "Nguyễn Thị Ánh Tuyết";
static const char *good_id = "001190123456";

static gboolean
allocated (gpointer data)
{
  GtkWidget *content = gtk_widget_get_first_child (data);

  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0 &&
         content != NULL && gtk_widget_get_width (content) > 0;
}

/* Two painted frames, once the window's content is laid out. */
static void
wait_for_frames (GtkWidget *widget)
{
  pd_ui_wait_until (allocated, widget, "the window to show");
  pd_ui_wait_for_frames (widget);
}

static void
save_screenshot (GtkWidget  *window_widget,
                 const char *name)
{
  pd_ui_wait_until (allocated, window_widget, "the window to show");
  pd_ui_save_screenshot (window_widget, name);
}

/* What the X server shows, for windows that save_screenshot() renders blank (the content
 * of AdwPreferencesWindow, in GTK 4.8). Xvfb has no window manager: the newest window
 * is at the top left corner. */
static void
save_screen_capture (GtkWidget  *window_widget,
                     const char *name)
{
  g_autofree char *import = g_find_program_in_path ("import");
  g_autofree char *path = g_build_filename (pd_ui_screenshot_dir (), name, NULL);
  g_autofree char *geometry = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (import == NULL)
    {
      g_test_message ("no ImageMagick “import”: %s not taken", name);
      return;
    }
  wait_for_frames (window_widget);
  geometry = g_strdup_printf ("%dx%d+0+0", gtk_widget_get_width (window_widget) + 10,
                              gtk_widget_get_height (window_widget) + 10);
  {
    const char *argv[] = { import, "-window", "root", "-crop", geometry, path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 NULL, NULL, &status, &error));
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("screen capture %s", path);
}

static gboolean
store_settled (gpointer data)
{
  return pd_window_get_store (window) != NULL || pd_station_get_open_error (pd_window_get_station (window)) != NULL;
}

static gboolean
queue_loaded (gpointer data)
{
  return !pd_queue_page_get_loading (pd_ui_queue_page (window));
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
form_idle (gpointer data)
{
  return !pd_dossier_form_get_busy (pd_ui_form (window));
}

static gboolean
sync_loaded (gpointer data)
{
  PdSyncPage *page = pd_ui_sync_page (window);

  return !pd_sync_page_get_loading (page) && pd_sync_page_get_n_waiting (page) >= 0;
}

static void
type_into (PdField     field,
           const char *text)
{
  GtkWidget *row = pd_dossier_form_get_row (pd_ui_form (window), field);

  g_assert_true (ADW_IS_ENTRY_ROW (row));
  gtk_widget_grab_focus (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
choose (PdField     field,
        const char *label)
{
  GtkWidget *row = pd_dossier_form_get_row (pd_ui_form (window), field);
  GListModel *model;
  guint n;

  model = pd_ui_choice_model (row);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), label) == 0)
        {
          pd_ui_choice_select (row, i);
          return;
        }
    }
  g_error ("No item “%s” in the list of %s", label, pd_field_get_key (field));
}

static GtkLabel *
error_label (PdField field)
{
  return pd_dossier_form_get_error_label (pd_ui_form (window), field);
}

static gboolean
error_shown (PdField field)
{
  GtkLabel *label = error_label (field);
  GtkWidget *row = pd_dossier_form_get_row (pd_ui_form (window), field);

  return gtk_widget_is_visible (GTK_WIDGET (label)) &&
         gtk_widget_get_mapped (GTK_WIDGET (label)) &&
         *gtk_label_get_label (label) != '\0' &&
         gtk_widget_has_css_class (row, "error");
}

static void
fill_good_application (void)
{
  type_into (PD_FIELD_FULL_NAME, good_name);
  choose (PD_FIELD_SEX, "Female");
  type_into (PD_FIELD_BIRTH_DATE, "15/03/1990");
  choose (PD_FIELD_BIRTH_PROVINCE, "Thành phố Hà Nội");
  type_into (PD_FIELD_ID_NUMBER, good_id);
  choose (PD_FIELD_ETHNIC_GROUP, "Kinh");
  type_into (PD_FIELD_PHONE, "0912345678");
  type_into (PD_FIELD_PERMANENT_ADDRESS, "Số 12 Phố Hàng Bạc");
  choose (PD_FIELD_PERMANENT_PROVINCE, "Thành phố Hà Nội");
  choose (PD_FIELD_PERMANENT_COMMUNE, "Phường Hoàn Kiếm");
  type_into (PD_FIELD_CURRENT_ADDRESS, "Số 12 Phố Hàng Bạc");
  choose (PD_FIELD_CURRENT_PROVINCE, "Thành phố Hà Nội");
  choose (PD_FIELD_CURRENT_COMMUNE, "Phường Hoàn Kiếm");
  type_into (PD_FIELD_FATHER_NAME, "Nguyễn Văn Bình");
  type_into (PD_FIELD_MOTHER_NAME, "Trần Thị Lan");
  choose (PD_FIELD_REQUEST_TYPE, "First passport");
  type_into (PD_FIELD_QUEUE_NUMBER, "A-017");
}

static gboolean
label_shown_in (GtkWidget  *widget,
                const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_shown_in (child, text))
      return TRUE;
  return FALSE;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether @cond holds within @seconds: sooner than pd_ui_wait_until() gives up. */
static gboolean
holds_within (GSourceFunc cond,
              gpointer    data,
              double      seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      if (cond (data))
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  return cond (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static const char *old_news;

/* @data shows, the toast before it is gone. */
static gboolean
toast_replaced (gpointer data)
{
  return label_shown_in (GTK_WIDGET (window), data) && !label_shown_in (GTK_WIDGET (window), old_news);
}

/* The toast shown, clear of the form's action bar (Accept, Print, Clear). */
static gboolean
toast_above_action_bar (gpointer data)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (pd_ui_form (window)), ADW_TYPE_TOAST_OVERLAY);
  GtkWidget *bar = find_descendant (GTK_WIDGET (pd_ui_form (window)), GTK_TYPE_ACTION_BAR);
  graphene_rect_t toast_bounds, bar_bounds;
  GtkWidget *toast = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (overlay); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_css_name (child), "toast") == 0 && label_shown_in (child, data))
      toast = child;
  if (toast == NULL ||
      !gtk_widget_compute_bounds (toast, GTK_WIDGET (window), &toast_bounds) ||
      !gtk_widget_compute_bounds (bar, GTK_WIDGET (window), &bar_bounds))
    return FALSE;
  return toast_bounds.origin.y + toast_bounds.size.height <= bar_bounds.origin.y + 0.5;
}

static void
test_open (void)
{
  pd_ui_wait_until (store_settled, NULL, "the store to open");
  if (pd_station_get_open_error (pd_window_get_station (window)) != NULL)
    g_error ("The store did not open: %s", pd_station_get_open_error (pd_window_get_station (window))->message);
  pd_ui_wait_until (queue_loaded, NULL, "the queue");

  /* A new database: nothing today, and the empty state says what to do. */
  g_assert_cmpuint (g_list_model_get_n_items (pd_queue_page_get_model (pd_ui_queue_page (window))), ==, 0);
  save_screenshot (GTK_WIDGET (window), "queue-empty.png");
}

static void
saved_cb (PdDossierForm *form,
          PdDossier     *dossier,
          gboolean      *saved)
{
  *saved = TRUE;
}

typedef struct
{
  const char *text;
  gboolean    changed;
} SearchWait;

/* Setting the text may emit search-changed for an empty text first (at once), then for the
 * new text (after a delay): only the latter counts. */
static void
search_changed_cb (GtkSearchEntry *entry,
                   SearchWait     *wait)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), wait->text) == 0)
    wait->changed = TRUE;
}

static void
search_queue (const char *text)
{
  GtkEditable *entry = pd_queue_page_get_search_entry (pd_ui_queue_page (window));
  SearchWait wait = { text, FALSE };
  gulong id = g_signal_connect (entry, "search-changed", G_CALLBACK (search_changed_cb), &wait);

  /* An unchanged text starts no search: that is a plain refresh. */
  if (g_strcmp0 (gtk_editable_get_text (entry), text) == 0)
    pd_queue_page_reload (pd_ui_queue_page (window));
  else
    {
      gtk_editable_set_text (entry, text);
      pd_ui_wait_until (flag_set, &wait.changed, "the search to start");
    }
  pd_ui_wait_until (queue_loaded, NULL, "the search results");
  g_signal_handler_disconnect (entry, id);

}

static gboolean
model_has_name (GListModel *model,
                const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PdDossier) dossier = g_list_model_get_item (model, i);

      if (g_strcmp0 (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_save (void)
{
  PdDossierForm *form = pd_ui_form (window);
  PdStore *store = pd_window_get_store (window);
  GListModel *queue = pd_queue_page_get_model (pd_ui_queue_page (window));
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;
  PdDossier *stored;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (pd_ui_view_stack (window)), ==, "form");
  fill_good_application ();

  /* What was typed the Vietnamese way is kept the ISO way. */
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form), PD_FIELD_BIRTH_DATE), ==, "1990-03-15");
  g_assert_false (error_shown (PD_FIELD_FULL_NAME));
  save_screenshot (GTK_WIDGET (window), "form-filled.png");

  /* The papers of the request are checked before it is accepted. */
  {
    g_autoptr(GPtrArray) checks = pd_dossier_form_get_required_checks (form);

    g_autoptr(GBytes) photo = pd_ui_make_photo_jpeg ();

    for (guint i = 0; i < checks->len; i++)
      gtk_check_button_set_active (g_ptr_array_index (checks, i), TRUE);
    /* The photo is not ticked by hand: it is taken. */
    pd_dossier_form_set_photo (form, photo, NULL);
  }
  g_signal_connect (form, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  pd_ui_wait_until (form_idle, NULL, "the save");
  g_signal_handlers_disconnect_by_func (form, saved_cb, &saved);
  for (guint f = 0; f < PD_N_FIELDS; f++)
    if (error_shown (f))
      g_error ("Unexpected error on %s: %s", pd_field_get_key (f), gtk_label_get_label (error_label (f)));
  g_assert_true (saved);

  /* In the store, as typed, accepted. */
  found = pd_store_find_by_id_number (store, good_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  stored = g_ptr_array_index (found, 0);
  g_assert_cmpstr (pd_dossier_get_field (stored, PD_FIELD_FULL_NAME), ==, good_name);
  g_assert_cmpstr (pd_dossier_get_field (stored, PD_FIELD_PERMANENT_COMMUNE), !=, NULL);
  g_assert_cmpstr (pd_dossier_get_field (stored, PD_FIELD_QUEUE_NUMBER), ==, "A-017");
  g_assert_cmpint (pd_dossier_get_status (stored), ==, PD_STATUS_ACCEPTED);

  /* The form is ready for the next applicant. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pd_dossier_form_get_row (form, PD_FIELD_FULL_NAME))), ==, "");

  /* And in today's queue. */
  pd_ui_wait_until (queue_loaded, NULL, "the queue after saving");
  g_assert_true (model_has_name (queue, good_name));

  /* The sync page counts it as waiting. */
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "sync");
  pd_ui_wait_until (sync_loaded, NULL, "the sync page");
  g_assert_cmpint (pd_sync_page_get_n_waiting (pd_ui_sync_page (window)), ==, 1);
  save_screenshot (GTK_WIDGET (window), "sync.png");
}

static void
test_search (void)
{
  PdStore *store = pd_window_get_store (window);
  GListModel *queue = pd_queue_page_get_model (pd_ui_queue_page (window));
  const char *others[][2] = {
    { "Trần Văn Đức", "079085004321" },
    { "Lê Thị Hồng Nhung", "001302009876" },
  };

  /* Two more applicants so that a search has something to leave out. */
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr(PdDossier) dossier = pd_test_make_dossier (others[i][0], others[i][1]);
      g_autoptr(GError) error = NULL;

      g_assert_true (pd_store_save (store, dossier, "test", &error));
      g_assert_no_error (error);
      g_assert_true (pd_store_accept (store, pd_dossier_get_id (dossier), "test", &error));
      g_assert_no_error (error);
    }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (pd_ui_view_stack (window)), ==, "queue");

  search_queue ("");
  g_assert_cmpuint (g_list_model_get_n_items (queue), ==, 3);
  save_screenshot (GTK_WIDGET (window), "queue.png");

  /* Folded: no accents, any case. */
  search_queue ("nguyen thi anh tuyet");
  g_assert_cmpuint (g_list_model_get_n_items (queue), ==, 1);
  g_assert_true (model_has_name (queue, good_name));

  search_queue ("DUC");
  g_assert_cmpuint (g_list_model_get_n_items (queue), ==, 1);
  g_assert_true (model_has_name (queue, "Trần Văn Đức"));

  search_queue (good_id);
  g_assert_cmpuint (g_list_model_get_n_items (queue), ==, 1);
  g_assert_true (model_has_name (queue, good_name));

  search_queue ("Phạm Không Có");
  g_assert_cmpuint (g_list_model_get_n_items (queue), ==, 0);
  save_screenshot (GTK_WIDGET (window), "queue-no-results.png");

  search_queue ("");
  g_assert_cmpuint (g_list_model_get_n_items (queue), ==, 3);
}

static void
test_validation (void)
{
  PdDossierForm *form = pd_ui_form (window);
  PdStore *store = pd_window_get_store (window);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  gint64 before = pd_store_count (store, &error);
  GtkWidget *rep_group;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *child_birth = NULL;

  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  fill_good_application ();

  /* A bad ID number: the message shows under the field when the officer moves on. */
  type_into (PD_FIELD_ID_NUMBER, "00119012");
  type_into (PD_FIELD_PHONE, "0912345678");
  g_assert_true (error_shown (PD_FIELD_ID_NUMBER));
  g_test_message ("ID number error: %s", gtk_label_get_label (error_label (PD_FIELD_ID_NUMBER)));

  /* A date that is not one. */
  type_into (PD_FIELD_FATHER_BIRTH_DATE, "31/02/1960");
  type_into (PD_FIELD_MOTHER_NAME, "Trần Thị Lan");
  g_assert_true (error_shown (PD_FIELD_FATHER_BIRTH_DATE));

  /* A child needs a representative: the group appears. */
  rep_group = gtk_widget_get_ancestor (pd_dossier_form_get_row (form, PD_FIELD_REP_NAME), ADW_TYPE_PREFERENCES_GROUP);
  g_assert_false (gtk_widget_get_visible (rep_group));
  child_birth = g_strdup_printf ("01/06/%d", g_date_time_get_year (now) - 6);
  type_into (PD_FIELD_BIRTH_DATE, child_birth);
  g_assert_true (gtk_widget_get_visible (rep_group));
  type_into (PD_FIELD_BIRTH_DATE, "15/03/1990");
  g_assert_false (gtk_widget_get_visible (rep_group));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  pd_ui_wait_until (form_idle, NULL, "the refused save");

  g_assert_true (error_shown (PD_FIELD_ID_NUMBER));
  g_assert_true (error_shown (PD_FIELD_FATHER_BIRTH_DATE));
  g_assert_false (error_shown (PD_FIELD_FULL_NAME));
  g_assert_cmpint (pd_store_count (store, &error), ==, before);
  g_assert_no_error (error);
  found = pd_store_find_by_id_number (store, "00119012", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);

  /* What was typed is still there to be corrected. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pd_dossier_form_get_row (form, PD_FIELD_ID_NUMBER))), ==, "00119012");
  save_screenshot (GTK_WIDGET (window), "form-errors.png");

  /* Fixing the field clears its message at once. */
  type_into (PD_FIELD_ID_NUMBER, "001190654321");
  g_assert_false (error_shown (PD_FIELD_ID_NUMBER));
}

/* A new form shows what is required, not errors: moving through its empty fields (it opens on
 * the first) says nothing is wrong and counts nothing to fix, until something is typed. */
static void
test_empty_form_quiet (void)
{
  PdDossierForm *form = pd_ui_form (window);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  pd_dossier_form_focus_first (form);
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  for (guint i = 0; i < 6; i++)
    {
      gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
      pd_ui_wait_for_frames (GTK_WIDGET (window));
    }
  g_assert_false (error_shown (PD_FIELD_FULL_NAME));
  for (PdField f = 0; f < PD_N_FIELDS; f++)
    g_assert_false (error_shown (f));
  g_assert_false (pd_ui_shows_text (GTK_WIDGET (form), g_dngettext (NULL, "%u field to fix", "%u fields to fix", 1) + 3));
  g_assert_false (pd_ui_shows_text (GTK_WIDGET (form), g_dngettext (NULL, "%u field to fix", "%u fields to fix", 2) + 3));

  /* Typed, then emptied, then left: now it is a mistake. */
  type_into (PD_FIELD_FULL_NAME, "A");
  type_into (PD_FIELD_FULL_NAME, "");
  gtk_widget_grab_focus (pd_dossier_form_get_row (form, PD_FIELD_PHONE));
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_assert_true (error_shown (PD_FIELD_FULL_NAME));
}

/* Provinces and communes are found by typing, without marks or capitals: "ha" gives Hà Nội
 * first, "dak" Đắk Lắk (Đ is no D with a mark), "hoan kiem" the commune of Hoàn Kiếm; Enter
 * takes the first, and the form holds its code. */
static void
test_choice_search (void)
{
  PdDossierForm *form = pd_ui_form (window);
  GtkWidget *province = pd_dossier_form_get_row (form, PD_FIELD_PERMANENT_PROVINCE);
  GtkWidget *commune = pd_dossier_form_get_row (form, PD_FIELD_PERMANENT_COMMUNE);
  PdDossier *dossier;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  dossier = pd_dossier_form_get_dossier (form);
  g_assert_nonnull (pd_ui_row_drop_down (province));

  g_assert_cmpstr (pd_ui_drop_down_type (pd_ui_row_drop_down (province), "dak", NULL), ==, "Tỉnh Đắk Lắk");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_PROVINCE), ==, "66");
  g_assert_cmpstr (pd_ui_drop_down_type (pd_ui_row_drop_down (province), "ha", "form-province-search.png"),
                   ==, "Thành phố Hà Nội");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_PROVINCE), ==, "01");

  /* The communes of Hà Nội, 126 of them. */
  g_assert_cmpstr (pd_ui_drop_down_type (pd_ui_row_drop_down (commune), "hoan kiem", "form-commune-search.png"),
                   ==, "Phường Hoàn Kiếm");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_COMMUNE), ==, "00070");
  /* Typed with its marks, as printed on the ID card. */
  g_assert_cmpstr (pd_ui_drop_down_type (pd_ui_row_drop_down (commune), "Ngọc Hà", NULL), ==, "Phường Ngọc Hà");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_COMMUNE), ==, "00008");
}

/* A province set by the program (a declaration, an ID card) lists its communes, whichever of
 * the two comes first. */
static void
test_program_fills_commune (void)
{
  PdDossierForm *form = pd_ui_form (window);
  GtkWidget *commune = pd_dossier_form_get_row (form, PD_FIELD_PERMANENT_COMMUNE);
  GtkWidget *current = pd_dossier_form_get_row (form, PD_FIELD_CURRENT_COMMUNE);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  pd_dossier_form_set_value (form, PD_FIELD_PERMANENT_PROVINCE, "01");
  g_assert_cmpuint (g_list_model_get_n_items (pd_ui_choice_model (commune)), >, 1);
  pd_dossier_form_set_value (form, PD_FIELD_PERMANENT_COMMUNE, "00070");
  g_assert_cmpstr (pd_ui_choice_selected_label (commune), ==, "Phường Hoàn Kiếm");

  pd_dossier_form_set_value (form, PD_FIELD_CURRENT_COMMUNE, "00070");
  pd_dossier_form_set_value (form, PD_FIELD_CURRENT_PROVINCE, "01");
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form), PD_FIELD_CURRENT_COMMUNE), ==, "00070");
  g_assert_cmpstr (pd_ui_choice_selected_label (current), ==, "Phường Hoàn Kiếm");
}

/* The form's news and the window's take each other's place: no stale toast waits its turn,
 * and none covers the buttons at the bottom of the form. */
static gboolean
label_shown (gpointer data)
{
  return label_shown_in (GTK_WIDGET (window), data);
}

static void
test_toasts (void)
{
  const char *empty = _("Nothing to set aside: the form is empty.");
  g_autofree char *scan_news = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "form");
  wait_for_frames (GTK_WIDGET (window));
  /* The form's own toast, above the action bar. */
  g_assert_false (pd_dossier_form_set_aside (pd_ui_form (window), PD_STATUS_ON_HOLD, NULL));
  g_assert_true (holds_within (label_shown, (gpointer) empty, 2.0));
  g_assert_true (holds_within (toast_above_action_bar, (gpointer) empty, 2.0));
  save_screenshot (GTK_WIDGET (window), "toast-above-action-bar.png");
  g_usleep (G_USEC_PER_SEC);

  /* Then the window's (a text that is no code): the form's is gone at once. */
  pd_window_handle_scan (window, "hello");
  g_assert_nonnull (pd_window_get_scan_message (window));
  scan_news = g_strdup (pd_window_get_scan_message (window));
  old_news = empty;
  g_assert_true (holds_within (toast_replaced, scan_news, 2.0));

  /* And the form's again, while that one still slides in. */
  old_news = scan_news;
  g_assert_false (pd_dossier_form_set_aside (pd_ui_form (window), PD_STATUS_ON_HOLD, NULL));
  g_assert_true (holds_within (toast_replaced, (gpointer) empty, 2.0));

  /* News at every pace, across the moment a toast has slid in (libadwaita 1.2 crashed when
   * one was dismissed before). */
  for (guint i = 0; i < 12; i++)
    {
      const double pause[] = { 0.1, 0.7, 0.85, 0.3 };

      if (i % 2 == 0)
        pd_window_handle_scan (window, "hello");
      else
        pd_dossier_form_set_aside (pd_ui_form (window), PD_STATUS_ON_HOLD, NULL);
      holds_within (never, NULL, pause[i % G_N_ELEMENTS (pause)]);
    }
  old_news = scan_news;
  g_assert_true (holds_within (toast_replaced, (gpointer) empty, 2.0));
}

static void
test_preferences (void)
{
  GSettings *settings = pd_application_get_settings (app);
  PdPreferencesWindow *prefs;

  g_settings_set_string (settings, "office-code", "HN-01");
  g_settings_set_uint (settings, "counter", 7);
  g_settings_set_string (settings, "server-url", "https://xnc.example.vn/passdesk");
  prefs = pd_preferences_window_new (settings, pd_window_get_store (window));
  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (prefs));
  save_screen_capture (GTK_WIDGET (prefs), "preferences.png");
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* The next application takes the desk's office and counter. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (pd_ui_form (window)), PD_FIELD_OFFICE_CODE), ==, "HN-01");
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (pd_ui_form (window)), PD_FIELD_COUNTER), ==, "7");
}

static gboolean
size_is (gpointer data)
{
  int *size = data;

  return gtk_widget_get_width (GTK_WIDGET (window)) == size[0] &&
         gtk_widget_get_height (GTK_WIDGET (window)) == size[1];
}

static void
resize_window (int width,
               int height)
{
  int size[2] = { width, height };
  int default_width, default_height;
  g_autofree char *what = g_strdup_printf ("the window to take %dx%d", width, height);

  /* The default size counts the invisible resize borders around the window's content. */
  gtk_window_get_default_size (GTK_WINDOW (window), &default_width, &default_height);
  gtk_window_set_default_size (GTK_WINDOW (window),
                               size[0] + default_width - gtk_widget_get_width (GTK_WIDGET (window)),
                               size[1] + default_height - gtk_widget_get_height (GTK_WIDGET (window)));
  pd_ui_wait_until (size_is, size, what);
}

static GtkWidget *
find_by_action (GtkWidget  *widget,
                const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_action (child, action_name);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_mapped (GtkWidget *widget,
             GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_mapped (child, type);

      if (found)
        return found;
    }
  return NULL;
}

/* @widget is shown whole inside the window, not clipped by its edge. */
static void
assert_inside_window (GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &bounds));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (GTK_WIDGET (window)));
}

/* The officer's buttons stay on screen, and the form's rows keep a readable line length. */
static void
assert_form_readable (void)
{
  GtkWidget *form = GTK_WIDGET (pd_ui_form (window));
  GtkWidget *row;

  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "form");
  pd_ui_wait_until (pd_ui_mapped, form, "the form to show");
  assert_inside_window (find_by_action (form, "win.accept"));
  assert_inside_window (find_by_action (form, "form.hold"));
  assert_inside_window (find_by_action (GTK_WIDGET (window), "win.call-next"));
  row = find_mapped (form, ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (row);
  g_assert_cmpint (gtk_widget_get_width (row), >=, 360);
  g_assert_cmpint (gtk_widget_get_width (row), <=, 800);
}

static void
test_small_screen (void)
{
  resize_window (1366, 768);
  fill_good_application ();
  pd_dossier_form_focus_first (pd_ui_form (window));
  assert_form_readable ();
  save_screenshot (GTK_WIDGET (window), "form-1366x768.png");
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "queue");
  save_screenshot (GTK_WIDGET (window), "queue-1366x768.png");
}

static void
test_large_screen (void)
{
  resize_window (1920, 1080);
  assert_form_readable ();
  save_screenshot (GTK_WIDGET (window), "form-1920x1080.png");
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "queue");
  save_screenshot (GTK_WIDGET (window), "queue-1920x1080.png");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  int status;

  pd_test_init (&argc, &argv);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  textdomain (GETTEXT_PACKAGE);

  dir = pd_test_make_tmpdir ();
  db_path = g_build_filename (dir, "passdesk.db", NULL);

  window = pd_ui_new_window (db_path, &app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/ui/open", test_open);
  g_test_add_func ("/ui/save", test_save);
  g_test_add_func ("/ui/search", test_search);
  g_test_add_func ("/ui/validation", test_validation);
  g_test_add_func ("/ui/program-fills-commune", test_program_fills_commune);
  g_test_add_func ("/ui/choice-search", test_choice_search);
  g_test_add_func ("/ui/empty-form-quiet", test_empty_form_quiet);
  g_test_add_func ("/ui/toasts", test_toasts);
  g_test_add_func ("/ui/preferences", test_preferences);
  g_test_add_func ("/ui/small-screen", test_small_screen);
  g_test_add_func ("/ui/large-screen", test_large_screen);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
