/* pd-code-reader-dialog.c: reads the first code a camera sees, hands it out and closes. */
#define G_LOG_DOMAIN "pd-code-reader-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-camera-view.h"
#include "pd-code-reader-dialog.h"

struct _PdCodeReaderDialog
{
  AdwWindow     parent_instance;

  PdCameraView *view;

  PdCamera     *camera;
  guint         start_id;
};

G_DEFINE_FINAL_TYPE (PdCodeReaderDialog, pd_code_reader_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CAMERA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CODE_READ,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
stop_camera (PdCodeReaderDialog *self)
{
  if (self->camera == NULL)
    return;
  pd_camera_stop (self->camera);
  g_signal_handlers_disconnect_by_data (self->camera, self);
}

static void
code_detected_cb (PdCamera           *camera,
                  const char         *text,
                  guint               format,
                  PdCodeReaderDialog *self)
{
  g_autoptr(PdCodeReaderDialog) hold = g_object_ref (self);
  g_autofree char *code = g_strdup (text);

  /* One code per opening: the dialog closes and the code goes where keyboard scans go. */
  stop_camera (self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  g_signal_emit (self, signals[CODE_READ], 0, code);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_camera (PdCodeReaderDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (self->camera == NULL)
    {
      self->camera = pd_camera_new_for_device (NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA]);
    }
  pd_camera_view_set_camera (self->view, self->camera);
  pd_camera_set_barcode_formats (self->camera, PD_BARCODE_FORMATS_DEFAULT);
  g_signal_connect_object (self->camera, "code-detected", G_CALLBACK (code_detected_cb), self, 0);
  if (!pd_camera_start (self->camera, &error))
    pd_camera_view_set_status (self->view, error->message);
  else
    pd_camera_view_set_status (self->view,
                               _("Hold the QR code of the ID card or of the declaration in front of the camera"));
}

static gboolean
start_cb (gpointer data)
{
  PdCodeReaderDialog *self = data;

  self->start_id = 0;
  start_camera (self);
  return G_SOURCE_REMOVE;
}

PdCamera *
pd_code_reader_dialog_get_camera (PdCodeReaderDialog *self)
{
  g_return_val_if_fail (PD_IS_CODE_READER_DIALOG (self), NULL);
  return self->camera;
}

void
pd_code_reader_dialog_set_camera (PdCodeReaderDialog *self,
                                  PdCamera           *camera)
{
  g_return_if_fail (PD_IS_CODE_READER_DIALOG (self));
  g_return_if_fail (camera == NULL || PD_IS_CAMERA (camera));

  if (self->camera == camera)
    return;
  stop_camera (self);
  g_set_object (&self->camera, camera);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->start_id == 0)
    start_camera (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA]);
}

PdCodeReaderDialog *
pd_code_reader_dialog_new (GtkWindow *parent,
                           PdCamera  *camera)
{
  return g_object_new (PD_TYPE_CODE_READER_DIALOG,
                       "transient-for", parent,
                       "camera", camera,
                       NULL);
}

static void
pd_code_reader_dialog_map (GtkWidget *widget)
{
  PdCodeReaderDialog *self = PD_CODE_READER_DIALOG (widget);

  GTK_WIDGET_CLASS (pd_code_reader_dialog_parent_class)->map (widget);

  /* The dialog is on screen before a camera device is opened, which can take a moment. */
  if (self->start_id == 0)
    self->start_id = g_idle_add (start_cb, self);
}

static void
pd_code_reader_dialog_unmap (GtkWidget *widget)
{
  PdCodeReaderDialog *self = PD_CODE_READER_DIALOG (widget);

  g_clear_handle_id (&self->start_id, g_source_remove);
  stop_camera (self);

  GTK_WIDGET_CLASS (pd_code_reader_dialog_parent_class)->unmap (widget);
}

static void
pd_code_reader_dialog_dispose (GObject *object)
{
  PdCodeReaderDialog *self = PD_CODE_READER_DIALOG (object);

  g_clear_handle_id (&self->start_id, g_source_remove);
  stop_camera (self);
  g_clear_object (&self->camera);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_CODE_READER_DIALOG);

  G_OBJECT_CLASS (pd_code_reader_dialog_parent_class)->dispose (object);
}

static void
pd_code_reader_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PdCodeReaderDialog *self = PD_CODE_READER_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      g_value_set_object (value, self->camera);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_code_reader_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  PdCodeReaderDialog *self = PD_CODE_READER_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      pd_code_reader_dialog_set_camera (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_code_reader_dialog_class_init (PdCodeReaderDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_code_reader_dialog_dispose;
  object_class->get_property = pd_code_reader_dialog_get_property;
  object_class->set_property = pd_code_reader_dialog_set_property;
  widget_class->map = pd_code_reader_dialog_map;
  widget_class->unmap = pd_code_reader_dialog_unmap;

  properties[PROP_CAMERA] =
    g_param_spec_object ("camera", NULL, NULL, PD_TYPE_CAMERA,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CODE_READ] =
    g_signal_new ("code-read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (PD_TYPE_CAMERA_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-code-reader-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PdCodeReaderDialog, view);
}

static void
pd_code_reader_dialog_init (PdCodeReaderDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
