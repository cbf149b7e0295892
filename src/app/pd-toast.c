/* pd-toast.c: one toast at a time in a window, never dismissed too early. */
#define G_LOG_DOMAIN "pd-toast"

#include "config.h"

#include "pd-toast.h"

#define LAST_TOAST_KEY "pd-toast-last"

/* libadwaita 1.2.2 crashes when a toast is dismissed while it slides in (300 ms, 500 ms when
 * it replaces another): a toast younger than this takes the new message instead. Toasts shown
 * here never wait in the overlay's queue (the one before is gone first, and none has a high
 * priority, which would put the one shown back in the queue), so a toast slides in when it is
 * added. */
#define SHOW_ANIMATION_USEC (800 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  AdwToast *toast;
  gint64    added_at;
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
  if (last != NULL && g_get_monotonic_time () - last->added_at < SHOW_ANIMATION_USEC)
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
  last->added_at = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (overlay), LAST_TOAST_KEY, last, (GDestroyNotify) last_toast_free);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), overlay, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  return toast;
}
