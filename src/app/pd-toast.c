/* pd-toast.c: one toast at a time in a window, never dismissed too early. */
#define G_LOG_DOMAIN "pd-toast"

#include "config.h"

#include "pd-toast.h"

#define LAST_TOAST_KEY "pd-toast-last"
#define MESSAGE_BAR_KEY "pd-toast-message-bar"
/* About what a toast's one line holds at 1024 px before libadwaita cuts it with an ellipsis. */
#define TOAST_MAX_CHARS 60

/* libadwaita 1.2.2 frees a toast's bookkeeping when its hide animation ends while its show
 * animation (300 ms, 500 ms when it replaces another) may still be running, whose end then
 * touches freed memory. Both run from tick callbacks of the overlay, the newest first, so a
 * toast dismissed before a frame has ended its show animation crashes the window at the next
 * frame that ends both. On a loaded machine frames come seconds apart, so neither the wall
 * clock nor the frame clock's time says the show animation is over; only a frame painted at or
 * after its end does. Until then a toast is "sliding in": it is never dismissed, neither by a
 * newer message (which it takes instead) nor by its own timeout, which only starts then. Toasts
 * shown here never wait in the overlay's queue (the one before is gone first, and none has a
 * high priority, which would put the one shown back in the queue), so a toast starts sliding
 * in when it is added. */
#define SHOW_ANIMATION_USEC (500 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  AdwToastOverlay *overlay;
  AdwToast        *toast;
  GdkFrameClock   *clock;
  gulong           after_paint_id;
  gulong           unmap_id;
  gint64           added_at_frame;
  guint            timeout;      /* seconds, as asked for: started once the toast has slid in */
  gboolean         sliding_in;
  gboolean         dismiss_when_in;  /* older news than the message bar's */
} LastToast;

static void
stop_watching (LastToast *last)
{
  if (last->clock != NULL)
    g_clear_signal_handler (&last->after_paint_id, last->clock);
  g_clear_signal_handler (&last->unmap_id, last->overlay);
  g_clear_object (&last->clock);
}

static void
last_toast_free (LastToast *last)
{
  stop_watching (last);
  g_clear_object (&last->toast);
  g_free (last);
}

/* @painted: a frame was painted after the show animation's end, so the toast may go now;
 * not on unmap, where libadwaita ends the show animation only after this runs. */
static void
slid_in (LastToast *last,
         gboolean   painted)
{
  stop_watching (last);
  last->sliding_in = FALSE;
  if (last->dismiss_when_in && painted)
    {
      g_autoptr(AdwToast) toast = g_object_ref (last->toast);

      /* Frees @last. */
      g_object_set_data (G_OBJECT (last->overlay), LAST_TOAST_KEY, NULL);
      adw_toast_dismiss (toast);
      return;
    }
  adw_toast_set_timeout (last->toast, last->timeout);
  /* Adding the toast shown again is how libadwaita restarts its timeout (it takes a reference). */
  adw_toast_overlay_add_toast (last->overlay, g_object_ref (last->toast));
}

static void
after_paint_cb (GdkFrameClock *clock,
                LastToast     *last)
{
  /* The frame time of a frame being drawn is the one its tick callbacks saw. */
  if (gdk_frame_clock_get_frame_time (clock) - last->added_at_frame >= SHOW_ANIMATION_USEC)
    slid_in (last, TRUE);
}

/* libadwaita ends every animation of a widget that is unmapped. */
static void
overlay_unmap_cb (GtkWidget *overlay,
                  LastToast *last)
{
  slid_in (last, FALSE);
}

static void
toast_dismissed_cb (AdwToast        *toast,
                    AdwToastOverlay *overlay)
{
  LastToast *last = g_object_get_data (G_OBJECT (overlay), LAST_TOAST_KEY);

  if (last != NULL && last->toast == toast)
    g_object_set_data (G_OBJECT (overlay), LAST_TOAST_KEY, NULL);
}

AdwToast *
pd_toast_show (GtkWidget *widget,
               AdwToast  *toast)
{
  GtkWidget *overlay;
  GdkFrameClock *clock;
  PdMessageBar *bar;
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
  bar = g_object_get_data (G_OBJECT (overlay), MESSAGE_BAR_KEY);
  if (bar != NULL)
    {
      if (g_utf8_strlen (adw_toast_get_title (toast), -1) > TOAST_MAX_CHARS)
        {
          pd_message_bar_show (bar, toast);
          g_object_unref (toast);
          /* The toast before is older news: it goes too, as soon as it may. */
          if (last != NULL && last->sliding_in)
            last->dismiss_when_in = TRUE;
          else if (last != NULL)
            {
              g_autoptr(AdwToast) old = g_object_ref (last->toast);

              g_object_set_data (G_OBJECT (overlay), LAST_TOAST_KEY, NULL);
              adw_toast_dismiss (old);
            }
          return NULL;
        }
      pd_message_bar_hide (bar);
    }

  if (last != NULL && last->sliding_in)
    {
      AdwToast *shown = last->toast;

      last->dismiss_when_in = FALSE;

      adw_toast_set_title (shown, adw_toast_get_title (toast));
      adw_toast_set_button_label (shown, adw_toast_get_button_label (toast));
      adw_toast_set_action_name (shown, adw_toast_get_action_name (toast));
      adw_toast_set_action_target_value (shown, adw_toast_get_action_target_value (toast));
      last->timeout = adw_toast_get_timeout (toast);
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
  last->overlay = ADW_TOAST_OVERLAY (overlay);
  last->toast = g_object_ref (toast);
  last->timeout = adw_toast_get_timeout (toast);
  clock = gtk_widget_get_frame_clock (overlay);
  /* Not mapped: libadwaita skips the show animation at once. */
  if (clock != NULL && gtk_widget_get_mapped (overlay))
    {
      last->sliding_in = TRUE;
      last->clock = g_object_ref (clock);
      last->added_at_frame = gdk_frame_clock_get_frame_time (clock);
      last->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), last);
      last->unmap_id = g_signal_connect (overlay, "unmap", G_CALLBACK (overlay_unmap_cb), last);
      adw_toast_set_timeout (toast, 0);
    }
  g_object_set_data_full (G_OBJECT (overlay), LAST_TOAST_KEY, last, (GDestroyNotify) last_toast_free);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), overlay, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  return toast;
}

void
pd_toast_set_message_bar (AdwToastOverlay *overlay,
                          PdMessageBar    *bar)
{
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (PD_IS_MESSAGE_BAR (bar));

  /* The bar is the overlay's child's: it lives as long as the overlay. */
  g_object_set_data (G_OBJECT (overlay), MESSAGE_BAR_KEY, bar);
}
