/* pd-toast.c: one toast at a time in a window, never dismissed too early. */
#define G_LOG_DOMAIN "pd-toast"

#include "config.h"

#include "pd-toast.h"

#define LAST_TOAST_KEY "pd-toast-last"

/* libadwaita 1.2.2 frees a toast's bookkeeping when its hide animation ends, while its show
 * animation (300 ms, 500 ms when it replaces another) may still be running; that one's end then
 * touches freed memory. Both animations count from the frame clock's last frame time, which is
 * stale while nothing is drawn, so wall time says nothing about it (a loaded machine crashed
 * after 800 ms). A toast is dismissed only once a frame 500 ms after it was added (by the same
 * clock) has run, which ends its show animation; until then the toast shown takes the new
 * message instead. Toasts shown here never wait in the overlay's queue (the one before is gone
 * first, and none has a high priority, which would put the one shown back in the queue), so a
 * toast starts sliding in when it is added. */
#define SHOW_ANIMATION_USEC (500 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  AdwToast *toast;
  /* The frame clock's frame time when the toast was added; 0 when the overlay was not mapped,
   * in which case no show animation ran. */
  gint64    added_at_frame;
} LastToast;

static void
last_toast_free (LastToast *last)
{
  g_clear_object (&last->toast);
  g_free (last);
}

static void
toast_dismissed_cb (AdwToast        *toast,
                    AdwToastOverlay *overlay)
{
  LastToast *last = g_object_get_data (G_OBJECT (overlay), LAST_TOAST_KEY);

  if (last != NULL && last->toast == toast)
    g_object_set_data (G_OBJECT (overlay), LAST_TOAST_KEY, NULL);
}

/* 0 when the overlay is not mapped: an animation started then ends at once. */
static gint64
frame_time (GtkWidget *overlay)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (overlay);

  if (clock == NULL || !gtk_widget_get_mapped (overlay))
    return 0;
  return MAX (gdk_frame_clock_get_frame_time (clock), 1);
}

static gboolean
still_sliding_in (GtkWidget *overlay,
                  LastToast *last)
{
  gint64 now = frame_time (overlay);

  /* Unmapped since: libadwaita ended the show animation on unmap. */
  if (last->added_at_frame == 0 || now == 0)
    return FALSE;
  return now - last->added_at_frame < SHOW_ANIMATION_USEC;
}

AdwToast *
pd_toast_show (GtkWidget *widget,
               AdwToast  *toast)
{
  GtkWidget *overlay;
  LastToast *last;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (ADW_IS_TOAST (toast), NULL);

  overlay = ADW_IS_TOAST_OVERLAY (widget) ? widget : gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_object_unref (toast);
      return NULL;
    }

  last = g_object_get_data (G_OBJECT (overlay), LAST_TOAST_KEY);
  if (last != NULL && still_sliding_in (overlay, last))
    {
      AdwToast *shown = last->toast;

      adw_toast_set_title (shown, adw_toast_get_title (toast));
      adw_toast_set_button_label (shown, adw_toast_get_button_label (toast));
      adw_toast_set_action_name (shown, adw_toast_get_action_name (toast));
      adw_toast_set_action_target_value (shown, adw_toast_get_action_target_value (toast));
      g_object_unref (toast);
      return shown;
    }
  if (last != NULL)
    {
      g_autoptr(AdwToast) old = g_object_ref (last->toast);

      g_object_set_data (G_OBJECT (overlay), LAST_TOAST_KEY, NULL);
      adw_toast_dismiss (old);
    }

  last = g_new0 (LastToast, 1);
  last->toast = g_object_ref (toast);
  last->added_at_frame = frame_time (overlay);
  g_object_set_data_full (G_OBJECT (overlay), LAST_TOAST_KEY, last, (GDestroyNotify) last_toast_free);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), overlay, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  return toast;
}
