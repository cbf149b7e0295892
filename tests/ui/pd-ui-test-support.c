/* pd-ui-test-support.c: what the tests of the real window under Xvfb share: its window on a
 * store of their own, waiting on the main loop, painted frames, screenshots, the loop's stalls. */
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

typedef struct
{
  GtkWidget     *widget;
  GdkFrameClock *clock;
  guint          n;
} FrameWait;

/* Asked again until painted: a request made while a frame is being drawn can be lost. */
static gboolean
frames_painted (gpointer data)
{
  FrameWait *wait = data;

  if (wait->n >= 2)
    return TRUE;
  gtk_widget_queue_draw (wait->widget);
  gdk_frame_clock_request_phase (wait->clock, GDK_FRAME_CLOCK_PHASE_PAINT);
  return FALSE;
}

/* Two painted frames: the first may still be laying out what was just changed. */
void
pd_ui_wait_for_frames (GtkWidget *widget)
{
  FrameWait wait = { widget, NULL, 0 };
  gulong id;

  pd_ui_wait_until (pd_ui_mapped, widget, "the window to show");
  wait.clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (wait.clock);
  id = g_signal_connect (wait.clock, "after-paint", G_CALLBACK (count_frame_cb), &wait.n);
  pd_ui_wait_until (frames_painted, &wait, "frames");
  g_signal_handler_disconnect (wait.clock, id);
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

/* What the window shows, rendered by its own renderer, as @dir/@name. */
void
pd_ui_save_screenshot_in (GtkWidget  *widget,
                          const char *dir,
                          const char *name)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width, height;
  GdkRGBA background;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

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

void
pd_ui_save_screenshot (GtkWidget  *widget,
                       const char *name)
{
  pd_ui_save_screenshot_in (widget, pd_ui_screenshot_dir (), name);
}

/* The window on @db_path of a registered application of its own (@app, to unref at the end),
 * not yet shown: a test may still size it or give it test parts first. */
PdWindow *
pd_ui_new_window (const char     *db_path,
                  PdApplication **app)
{
  g_autoptr(GError) error = NULL;

  *app = pd_application_new ();
  pd_application_set_database_path (*app, db_path);
  g_application_set_flags (G_APPLICATION (*app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (*app), NULL, &error));
  g_assert_no_error (error);
  return pd_window_new (*app, db_path);
}

static gboolean
watchdog_cb (gpointer data)
{
  PdUiWatchdog *dog = data;
  gint64 now = g_get_monotonic_time ();
  gint64 gap = now - dog->last;

  g_array_append_val (dog->gaps, gap);
  dog->last = now;
  return G_SOURCE_CONTINUE;
}

void
pd_ui_watchdog_start (PdUiWatchdog *dog)
{
  dog->gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  dog->last = g_get_monotonic_time ();
  /* Above the redraw priority: a late run means the loop itself was held up. */
  dog->id = g_timeout_add_full (G_PRIORITY_HIGH, 1, watchdog_cb, dog, NULL);
}

static int
compare_gaps (gconstpointer a,
              gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

double
pd_ui_watchdog_stop (PdUiWatchdog *dog,
                     const char   *what)
{
  double max_ms, p99_ms;

  g_source_remove (dog->id);
  /* The time since the last run counts too: the loop may be held up right now. */
  watchdog_cb (dog);
  g_array_sort (dog->gaps, compare_gaps);
  max_ms = g_array_index (dog->gaps, gint64, dog->gaps->len - 1) / 1000.0;
  p99_ms = g_array_index (dog->gaps, gint64, (dog->gaps->len - 1) * 99 / 100) / 1000.0;
  g_print ("stall %s: max %.1f ms, p99 %.1f ms over %u ticks\n", what, max_ms, p99_ms, dog->gaps->len);
  g_array_unref (dog->gaps);
  return max_ms;
}
