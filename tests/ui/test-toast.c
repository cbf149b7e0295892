/* test-toast.c: a toast is never dismissed while libadwaita still slides it in, even when no
 * frame has been drawn for a while (a loaded machine): libadwaita 1.2.2 then frees the toast
 * under its own show animation, and the window crashes (or AddressSanitizer reports it). */
#include "config.h"

#include <adwaita.h>

#include "pd-toast.h"
#include "pd-ui-test-support.h"

static void
frames_for (GtkWidget *widget,
            guint      msec)
{
  gint64 end = g_get_monotonic_time () + msec * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * G_TIME_SPAN_MILLISECOND);
    }
}

typedef struct
{
  GtkWidget *overlay;
  AdwToast  *second;
  AdwToast  *third;
  gulong     handler;
} SlowFrame;

/* A frame that takes 900 ms to lay out, as on a loaded machine: inside it the frame clock's
 * time stands still, and so do libadwaita's animations, whatever the wall clock says. */
static void
slow_layout_cb (GdkFrameClock *clock,
                SlowFrame     *slow)
{
  g_clear_signal_handler (&slow->handler, clock);
  slow->second = pd_toast_show (slow->overlay, adw_toast_new ("second"));
  g_usleep (900 * G_TIME_SPAN_MILLISECOND);
  slow->third = pd_toast_show (slow->overlay, adw_toast_new ("third"));
}

static gboolean
slow_frame_done (gpointer data)
{
  SlowFrame *slow = data;

  return slow->third != NULL;
}

static void
test_replace_in_slow_frame (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  SlowFrame slow = { overlay, NULL, NULL, 0 };
  GdkFrameClock *clock;
  AdwToast *fourth;

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), gtk_label_new ("content"));
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_window_present (GTK_WINDOW (window));
  pd_ui_wait_for_frames (window);

  pd_toast_show (overlay, adw_toast_new ("first"));
  frames_for (window, 1000);

  /* The second replaces the first (a 500 ms slide by the frame clock); the third comes in the
   * same frame, 900 ms later by the wall clock. Dismissing the second then would end its hide
   * animation before its show animation, which libadwaita 1.2.2 does not survive. */
  clock = gtk_widget_get_frame_clock (window);
  slow.handler = g_signal_connect (clock, "layout", G_CALLBACK (slow_layout_cb), &slow);
  gtk_widget_queue_resize (overlay);
  pd_ui_wait_until (slow_frame_done, &slow, "the slow frame");
  g_assert_true (slow.third == slow.second);
  g_assert_cmpstr (adw_toast_get_title (slow.second), ==, "third");
  frames_for (window, 1500);
  g_assert_true (pd_ui_shows_label (overlay, "third"));

  /* Slid in by now: the next message replaces the toast, which goes. */
  fourth = pd_toast_show (overlay, adw_toast_new ("fourth"));
  g_assert_true (fourth != slow.second);
  frames_for (window, 1500);
  g_assert_true (pd_ui_shows_label (overlay, "fourth"));
  g_assert_false (pd_ui_shows_label (overlay, "third"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* No frame for 900 ms after a toast is added (a loaded machine): its show animation is still
 * due when the next message comes. Dismissing it then made the next frame end its hide
 * animation first and its show animation on freed memory. */
static void
test_replace_before_a_frame (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  AdwToast *second;
  AdwToast *third;

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), gtk_label_new ("content"));
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_window_present (GTK_WINDOW (window));
  pd_ui_wait_for_frames (window);

  pd_toast_show (overlay, adw_toast_new ("first"));
  frames_for (window, 1000);

  second = pd_toast_show (overlay, adw_toast_new ("second"));
  g_usleep (900 * G_TIME_SPAN_MILLISECOND);
  third = pd_toast_show (overlay, adw_toast_new ("third"));
  g_assert_true (third == second);
  frames_for (window, 1500);
  g_assert_true (pd_ui_shows_label (overlay, "third"));
  /* Its timeout runs from when it had slid in. */
  g_assert_cmpuint (adw_toast_get_timeout (third), ==, 5);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/toast/replace-in-slow-frame", test_replace_in_slow_frame);
  g_test_add_func ("/toast/replace-before-a-frame", test_replace_before_a_frame);
  return g_test_run ();
}
