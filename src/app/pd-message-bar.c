/* pd-message-bar.c: a message too long for a toast, whole, under the header until the next one. */
#define G_LOG_DOMAIN "pd-message-bar"

#include "config.h"

#include "pd-message-bar.h"

struct _PdMessageBar
{
  GtkBox     parent_instance;

  GtkLabel  *label;
  GtkButton *button;
};

G_DEFINE_FINAL_TYPE (PdMessageBar, pd_message_bar, GTK_TYPE_BOX)

void
pd_message_bar_show (PdMessageBar *self,
                     AdwToast     *toast)
{
  const char *button_label;

  g_return_if_fail (PD_IS_MESSAGE_BAR (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  button_label = adw_toast_get_button_label (toast);
  gtk_label_set_label (self->label, adw_toast_get_title (toast));
  gtk_button_set_label (self->button, button_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), adw_toast_get_action_name (toast));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->button), adw_toast_get_action_target_value (toast));
  gtk_widget_set_visible (GTK_WIDGET (self->button), button_label != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

void
pd_message_bar_hide (PdMessageBar *self)
{
  g_return_if_fail (PD_IS_MESSAGE_BAR (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkLabel *
pd_message_bar_get_label (PdMessageBar *self)
{
  g_return_val_if_fail (PD_IS_MESSAGE_BAR (self), NULL);
  return self->label;
}

/* The button does what the toast's would have; the message has then been acted on. */
static void
button_clicked_cb (PdMessageBar *self)
{
  pd_message_bar_hide (self);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  pd_message_bar_hide (PD_MESSAGE_BAR (widget));
}

static void
pd_message_bar_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PD_TYPE_MESSAGE_BAR);

  G_OBJECT_CLASS (pd_message_bar_parent_class)->dispose (object);
}

static void
pd_message_bar_class_init (PdMessageBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_message_bar_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-message-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, PdMessageBar, label);
  gtk_widget_class_bind_template_child (widget_class, PdMessageBar, button);
  gtk_widget_class_bind_template_callback (widget_class, button_clicked_cb);
  gtk_widget_class_install_action (widget_class, "message-bar.close", NULL, close_action);
}

static void
pd_message_bar_init (PdMessageBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
