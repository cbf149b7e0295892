/* pd-sync-indicator.c: the header bar's sync status: the engine's state and what waits to be sent. */
#define G_LOG_DOMAIN "pd-sync-indicator"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-sync-indicator.h"

struct _PdSyncIndicator
{
  GtkButton     parent_instance;

  GtkImage     *icon;
  GtkLabel     *count_label;

  PdSyncEngine *engine;
};

G_DEFINE_FINAL_TYPE (PdSyncIndicator, pd_sync_indicator, GTK_TYPE_BUTTON)

enum {
  PROP_0,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The engine notifies each figure of a pass on its own, in the header bar: a class or an icon
 * set again restyles the button and redraws it, so only what changed is set. */
static void
set_look (PdSyncIndicator *self,
          const char      *icon,
          const char      *css)
{
  const char *classes[] = { "warning", "error" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      gboolean wanted = g_strcmp0 (css, classes[i]) == 0;

      if (wanted && !gtk_widget_has_css_class (GTK_WIDGET (self), classes[i]))
        gtk_widget_add_css_class (GTK_WIDGET (self), classes[i]);
      else if (!wanted && gtk_widget_has_css_class (GTK_WIDGET (self), classes[i]))
        gtk_widget_remove_css_class (GTK_WIDGET (self), classes[i]);
    }
  if (g_strcmp0 (gtk_image_get_icon_name (self->icon), icon) != 0)
    gtk_image_set_from_icon_name (self->icon, icon);
}

static void
update (PdSyncIndicator *self)
{
  const char *icon;
  const char *css = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *count = NULL;
  guint pending = 0, set_aside = 0, rejected = 0;

  if (self->engine == NULL)
    {
      set_look (self, "network-offline-symbolic", NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->count_label), FALSE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("Not enrolled: applications are kept on this computer"));
      return;
    }

  pending = pd_sync_engine_get_pending_count (self->engine);
  set_aside = pd_sync_engine_get_set_aside_count (self->engine);
  rejected = pd_sync_engine_get_rejected_count (self->engine);
  switch (pd_sync_engine_get_state (self->engine))
    {
    case PD_SYNC_STATE_SYNCING:
      icon = "emblem-synchronizing-symbolic";
      tooltip = g_strdup_printf (g_dngettext (NULL, "Sending: %u application waiting",
                                              "Sending: %u applications waiting", pending), pending);
      break;
    case PD_SYNC_STATE_OFFLINE:
      icon = "network-offline-symbolic";
      tooltip = g_strdup_printf (g_dngettext (NULL, "Offline: %u application waiting",
                                              "Offline: %u applications waiting", pending), pending);
      css = "warning";
      break;
    case PD_SYNC_STATE_ERROR:
      icon = "dialog-warning-symbolic";
      tooltip = g_strdup_printf (_("Sending needs attention: %s"),
                                 pd_sync_engine_get_last_error (self->engine) ? pd_sync_engine_get_last_error (self->engine) : "");
      css = "error";
      break;
    case PD_SYNC_STATE_IDLE:
    default:
      icon = pending == 0 ? "emblem-ok-symbolic" : "mail-send-receive-symbolic";
      tooltip = pending == 0 ? g_strdup (_("Everything sent"))
                             : g_strdup_printf (g_dngettext (NULL, "%u application waiting to be sent",
                                                             "%u applications waiting to be sent", pending),
                                                pending);
      break;
    }
  if (set_aside > 0)
    {
      char *more = g_strdup_printf (g_dngettext (NULL, "%s; %u set aside, see the sync page",
                                                 "%s; %u set aside, see the sync page", set_aside),
                                    tooltip, set_aside);

      g_free (tooltip);
      tooltip = more;
      css = "error";
    }
  /* Bad news outranks what waits: a rejection or a packet set aside needs an officer, so the
   * header shows how many until someone handles them, in red, whatever else goes on. */
  if (rejected > 0)
    {
      char *more = g_strdup_printf (g_dngettext (NULL, "%u application rejected by the central system: open Sending to call the citizen. %s",
                                                 "%u applications rejected by the central system: open Sending to call the citizens. %s",
                                                 rejected),
                                    rejected, tooltip);

      g_free (tooltip);
      tooltip = more;
      css = "error";
    }
  if (rejected + set_aside > 0)
    {
      icon = "dialog-error-symbolic";
      count = g_strdup_printf ("%u", rejected + set_aside);
    }
  else
    count = g_strdup_printf ("%u", pending);
  set_look (self, icon, css);
  gtk_label_set_label (self->count_label, count);
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), pending + rejected + set_aside > 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
}

void
pd_sync_indicator_set_engine (PdSyncIndicator *self,
                              PdSyncEngine    *engine)
{
  g_return_if_fail (PD_IS_SYNC_INDICATOR (self));
  g_return_if_fail (engine == NULL || PD_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);
  if (engine != NULL)
    g_signal_connect_object (engine, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE]);
}

PdSyncEngine *
pd_sync_indicator_get_engine (PdSyncIndicator *self)
{
  g_return_val_if_fail (PD_IS_SYNC_INDICATOR (self), NULL);
  return self->engine;
}

GtkWidget *
pd_sync_indicator_new (void)
{
  return g_object_new (PD_TYPE_SYNC_INDICATOR, NULL);
}

static void
pd_sync_indicator_dispose (GObject *object)
{
  PdSyncIndicator *self = PD_SYNC_INDICATOR (object);

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_SYNC_INDICATOR);

  G_OBJECT_CLASS (pd_sync_indicator_parent_class)->dispose (object);
}

static void
pd_sync_indicator_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PdSyncIndicator *self = PD_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_sync_indicator_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PdSyncIndicator *self = PD_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      pd_sync_indicator_set_engine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_sync_indicator_class_init (PdSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_sync_indicator_dispose;
  object_class->get_property = pd_sync_indicator_get_property;
  object_class->set_property = pd_sync_indicator_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, PD_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, PdSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, PdSyncIndicator, count_label);
}

static void
pd_sync_indicator_init (PdSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}
