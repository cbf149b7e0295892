/* test-face-match-panel.c: the face match panel on real photos: the verdict computed in the
 * background for a same-person pair and a different pair, then the officer's decision, which
 * must land in the store's audit log with the advice beside it. Screenshots of each verdict. */
#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "pd-face-match-panel.h"
#include "pd-photo-image.h"
#include "pd-test-support.h"
#include "pd-ui-test-support.h"

typedef struct {
  gboolean decided;
  gboolean same_person;
} Decision;

static void
decided_cb (PdFaceMatchPanel *panel,
            gboolean          same_person,
            Decision         *decision)
{
  decision->decided = TRUE;
  decision->same_person = same_person;
}

static gboolean
has_match (gpointer panel)
{
  return pd_face_match_panel_get_match (panel, NULL);
}

static gboolean
decided (gpointer data)
{
  return ((Decision *) data)->decided;
}

static gboolean
shows_no_face_on_chip (gpointer panel)
{
  return pd_ui_shows_label (panel, "No face found in the photo on the chip");
}

static GdkPixbuf *
real_photo (const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "photo", "real", file, NULL);
  g_autoptr(GError) error = NULL;
  GdkPixbuf *image = pd_photo_image_load_file (path, &error);

  g_assert_no_error (error);
  return image;
}

/* The last audit entry, which must be the panel's. */
static PdAuditEntry *
last_audit (PdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = pd_store_audit_list (store, 0, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 0);
  return g_steal_pointer (&entries->pdata[entries->len - 1]);
}

static void
test_decide (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *db_path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = pd_store_open (db_path, PD_STORE_OPEN_CREATE, &error);
  const struct {
    const char *captured;
    const char *chip;
    gboolean    same;
    const char *verdict;
    const char *button;
    const char *action;
    const char *screenshot;
  } cases[] = {
    { "fr-obama2.jpg", "fr-obama.jpg", TRUE, "Same person", "Confirm Same Person",
      "face-match-confirmed", "face-match-same.png" },
    { "of-lennon1.jpg", "of-clapton1.jpg", FALSE, "Not the same person", "Not the Same Person",
      "face-match-refused", "face-match-different.png" },
  };
  GtkWidget *window;
  GtkWidget *panel;
  Decision decision = { 0 };

  g_assert_no_error (error);
  window = gtk_window_new ();
  panel = pd_face_match_panel_new ();
  g_object_set (panel, "store", store, "actor", "officer-7", "subject", "dossier-42", NULL);
  g_signal_connect (panel, "decided", G_CALLBACK (decided_cb), &decision);
  gtk_window_set_child (GTK_WINDOW (window), panel);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 560);
  gtk_window_present (GTK_WINDOW (window));
  pd_ui_wait_for_frames (window);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GdkPixbuf) captured = real_photo (cases[i].captured);
      g_autoptr(GdkPixbuf) chip = real_photo (cases[i].chip);
      g_autoptr(PdAuditEntry) entry = NULL;
      g_autoptr(JsonParser) parser = NULL;
      JsonObject *advice;
      GtkWidget *button;
      PdFaceMatch match;

      decision.decided = FALSE;
      pd_face_match_panel_set_photos (PD_FACE_MATCH_PANEL (panel), captured, chip);
      g_assert_true (pd_face_match_panel_get_busy (PD_FACE_MATCH_PANEL (panel)));
      /* No decision before the advice. */
      button = pd_ui_find_button (panel, cases[i].button);
      g_assert_nonnull (button);
      g_assert_false (gtk_widget_is_sensitive (button));

      pd_ui_wait_until_within (120, has_match, panel, "the face match's verdict");
      g_assert_true (pd_face_match_panel_get_match (PD_FACE_MATCH_PANEL (panel), &match));
      g_assert_cmpint (match.same_person, ==, cases[i].same);
      g_assert_cmpfloat (match.threshold, ==, 0.6);
      g_assert_true (pd_ui_shows_label (panel, cases[i].verdict));
      g_assert_true (pd_ui_shows_text (panel, "Distance"));
      g_assert_true (gtk_widget_is_sensitive (button));
      pd_ui_wait_for_frames (window);
      pd_ui_save_screenshot (window, cases[i].screenshot);

      gtk_widget_activate (button);
      pd_ui_wait_until_within (30, decided, &decision, "the decision audited");
      g_assert_cmpint (decision.same_person, ==, cases[i].same);
      g_assert_false (gtk_widget_is_sensitive (button));

      entry = last_audit (store);
      g_assert_cmpstr (entry->action, ==, cases[i].action);
      g_assert_cmpstr (entry->actor, ==, "officer-7");
      g_assert_cmpstr (entry->subject, ==, "dossier-42");
      /* The advice beside the decision. */
      parser = json_parser_new ();
      json_parser_load_from_data (parser, entry->detail, -1, &error);
      g_assert_no_error (error);
      advice = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpint (json_object_get_boolean_member (advice, "same_person"), ==, cases[i].same);
      g_assert_cmpfloat (json_object_get_double_member (advice, "distance"), ==, match.distance);
      g_assert_cmpfloat (json_object_get_double_member (advice, "threshold"), ==, 0.6);
    }

  g_assert_true (pd_store_audit_verify (store, NULL, &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A chip photo without a face: the panel says which, and the officer can still decide by eye. */
static void
test_no_face (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *db_path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = pd_store_open (db_path, PD_STORE_OPEN_CREATE, &error);
  g_autoptr(GdkPixbuf) captured = real_photo ("fr-kit1.jpg");
  g_autoptr(GdkPixbuf) blank = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 240, 320);
  g_autoptr(PdAuditEntry) entry = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *panel = pd_face_match_panel_new ();
  GtkWidget *button;
  Decision decision = { 0 };

  g_assert_no_error (error);
  gdk_pixbuf_fill (blank, 0xd0d0d0ff);
  g_object_set (panel, "store", store, "actor", "officer-7", "subject", "dossier-43", NULL);
  g_signal_connect (panel, "decided", G_CALLBACK (decided_cb), &decision);
  gtk_window_set_child (GTK_WINDOW (window), panel);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 560);
  gtk_window_present (GTK_WINDOW (window));

  pd_face_match_panel_set_photos (PD_FACE_MATCH_PANEL (panel), captured, blank);
  pd_ui_wait_until_within (120, shows_no_face_on_chip, panel, "the no-face verdict");
  g_assert_false (pd_face_match_panel_get_match (PD_FACE_MATCH_PANEL (panel), NULL));
  pd_ui_wait_for_frames (window);
  pd_ui_save_screenshot (window, "face-match-no-face.png");

  button = pd_ui_find_button (panel, "Not the Same Person");
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate (button);
  pd_ui_wait_until_within (30, decided, &decision, "the decision audited");
  entry = last_audit (store);
  g_assert_cmpstr (entry->action, ==, "face-match-refused");
  g_assert_cmpstr (entry->detail, ==, "{\"same_person\":null}");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();
  g_test_add_func ("/face-match-panel/decide", test_decide);
  g_test_add_func ("/face-match-panel/no-face", test_no_face);
  return g_test_run ();
}
