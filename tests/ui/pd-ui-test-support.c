/* pd-ui-test-support.c: waiting on the main loop and screenshots, for the tests of the real
 * window under Xvfb. */
#define G_LOG_DOMAIN "pd-ui-test"

#include "config.h"

#include "pd-ui-test-support.h"

/* Each test sets its own: a pass against passdesk-central is slower than a form. */
static guint wait_seconds = 60;

void
pd_ui_set_wait_seconds (guint seconds)
{
  wait_seconds = seconds;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
pd_ui_wait_until (PdUiCondition  condition,
                  gpointer       data,
                  const char    *what)
{
  gint64 deadline = g_get_monotonic_time () + wait_seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (10, wake_cb, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

gboolean
pd_ui_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static void
count_frame_cb (GdkFrameClock *clock,
                guint         *n)
{
  (*n)++;
}

/* Two painted frames: the first may still be laying out what was just changed. */
void
pd_ui_wait_for_frames (GtkWidget *widget)
{
  GdkFrameClock *clock;
  guint n = 0;
  gulong id;

  pd_ui_wait_until (pd_ui_mapped, widget, "the window to show");
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame_cb), &n);
  /* Asked again until painted: a request made while a frame is being drawn can be lost. */
  for (gint64 deadline = g_get_monotonic_time () + wait_seconds * G_USEC_PER_SEC; n < 2;)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for frames");
      gtk_widget_queue_draw (widget);
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  g_signal_handler_disconnect (clock, id);
}

/* <build>/tests/ui/screenshots/, made on first use. */
const char *
pd_ui_screenshot_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      dir = g_test_build_filename (G_TEST_BUILT, "ui", "screenshots", NULL);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
    }
  return dir;
}

/* What the window shows, rendered by its own renderer. */
void
pd_ui_save_screenshot (GtkWidget  *widget,
                       const char *name)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width, height;
  GdkRGBA background;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (pd_ui_screenshot_dir (), name, NULL);

  pd_ui_wait_for_frames (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  /* gtk_widget_snapshot() is private and a toplevel has no parent to snapshot it as a child:
   * its children and CSS background are painted here. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (widget),
                                                 "window_bg_color", &background));
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child))
      gtk_widget_snapshot_child (widget, child, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot %s (%dx%d)", path, width, height);
}
