/* pd-scanner-dialog.c: scans one document with a SANE scanner, shows it and hands it to the caller. */
#define G_LOG_DOMAIN "pd-scanner-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-scanner-dialog.h"

/* Scans are stored as JPEG: a card or a page photographed at 300 dpi is a few hundred
 * kilobytes instead of a few megabytes as PNG, and stays legible. */
#define SCAN_CONTENT_TYPE "image/jpeg"

struct _PdScannerDialog
{
  AdwWindow       parent_instance;

  GtkButton      *cancel_button;
  GtkButton      *use_button;
  AdwComboRow    *device_row;
  GtkStringList  *device_names;
  AdwComboRow    *document_row;
  GtkStringList  *document_names;
  GtkButton      *scan_button;
  GtkButton      *refresh_button;
  GtkLabel       *status_label;
  GtkProgressBar *progress_bar;
  GtkPicture     *preview;

  GPtrArray      *devices;       /* (element-type PdSaneDevice) */
  GCancellable   *cancellable;   /* of the listing or scan under way, if any */
  GdkPixbuf      *scan;
  int             scan_resolution;
  PdSaneDocument  scan_document;
};

G_DEFINE_FINAL_TYPE (PdScannerDialog, pd_scanner_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SCANNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_status (PdScannerDialog *self,
            const char      *status,
            gboolean         is_error)
{
  gtk_label_set_label (self->status_label, status);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
set_busy (PdScannerDialog *self,
          gboolean         busy)
{
  gboolean have_device = self->devices != NULL && self->devices->len > 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->scan_button), !busy && have_device);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_row), !busy && have_device);
  gtk_widget_set_sensitive (GTK_WIDGET (self->document_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->use_button), !busy && self->scan != NULL);
}

/* Each operation carries its own cancellable, so that a result arriving after the dialog
 * went away or after a newer operation started is dropped. */
typedef struct
{
  PdScannerDialog *self;
  GCancellable    *cancellable;
} Operation;

static Operation *
operation_new (PdScannerDialog *self)
{
  Operation *op = g_new0 (Operation, 1);

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  op->self = g_object_ref (self);
  op->cancellable = g_object_ref (self->cancellable);
  return op;
}

static Operation *
operation_copy (Operation *op)
{
  Operation *copy = g_new0 (Operation, 1);

  copy->self = g_object_ref (op->self);
  copy->cancellable = g_object_ref (op->cancellable);
  return copy;
}

static void
operation_free (Operation *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->cancellable);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Operation, operation_free)

static gboolean
operation_is_current (Operation *op)
{
  return op->self->cancellable == op->cancellable && !g_cancellable_is_cancelled (op->cancellable);
}

static void
operation_done (Operation *op)
{
  g_clear_object (&op->self->cancellable);
}

static void
list_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  PdScannerDialog *self = op->self;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;

  devices = pd_sane_list_devices_finish (result, &error);
  if (!operation_is_current (op))
    return;
  operation_done (op);

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  gtk_string_list_splice (self->device_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->device_names)), NULL);
  if (devices == NULL)
    set_status (self, error->message, TRUE);
  else if (devices->len == 0)
    set_status (self, _("No scanner was found. Connect a scanner and switch it on, then look "
                        "for scanners again."), TRUE);
  else
    {
      for (guint i = 0; i < devices->len; i++)
        {
          g_autofree char *label = pd_sane_device_get_label (g_ptr_array_index (devices, i));

          gtk_string_list_append (self->device_names, label);
        }
      self->devices = g_steal_pointer (&devices);
      set_status (self, _("Put the document face down on the glass, then press Scan."), FALSE);
    }
  set_busy (self, FALSE);
}

static void
list_devices (PdScannerDialog *self)
{
  Operation *op = operation_new (self);

  set_status (self, _("Looking for scanners…"), FALSE);
  set_busy (self, TRUE);
  pd_sane_list_devices_async (op->cancellable, list_done_cb, op);
}

static void
scan_progress_cb (double   fraction,
                  gpointer user_data)
{
  Operation *op = user_data;

  if (!operation_is_current (op))
    return;
  if (fraction < 0)
    gtk_progress_bar_pulse (op->self->progress_bar);
  else
    gtk_progress_bar_set_fraction (op->self->progress_bar, fraction);
}

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  PdScannerDialog *self = op->self;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  int resolution = 0;

  pixbuf = pd_sane_scan_finish (result, &resolution, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && op->self->cancellable == op->cancellable)
    {
      /* Cancelled from the Cancel button: the dialog stays, ready for another try. */
      operation_done (op);
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
      set_status (self, _("The scan was cancelled. Press Scan to try again."), FALSE);
      set_busy (self, FALSE);
      return;
    }
  if (!operation_is_current (op))
    return;
  operation_done (op);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (pixbuf == NULL)
    set_status (self, error->message, TRUE);
  else
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (pixbuf);
      g_autofree char *status = NULL;

      g_set_object (&self->scan, pixbuf);
      self->scan_resolution = resolution;
      gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
      /* TRANSLATORS: %d is the resolution in dots per inch. */
      status = g_strdup_printf (_("Scanned at %d dpi. Check that the document is complete and "
                                  "sharp, then press Use Scan."), resolution);
      set_status (self, status, FALSE);
    }
  set_busy (self, FALSE);
}

static void
scan_clicked_cb (PdScannerDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->device_row);
  PdSaneScanOptions options;
  Operation *op;

  if (self->devices == NULL || selected >= self->devices->len)
    return;

  self->scan_document = pd_scanner_dialog_get_document (self);
  pd_sane_document_get_options (self->scan_document, &options);
  g_clear_object (&self->scan);
  gtk_picture_set_paintable (self->preview, NULL);
  op = operation_new (self);
  set_busy (self, TRUE);
  set_status (self, _("Scanning… Do not move the document."), FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  pd_sane_scan_async (((PdSaneDevice *) g_ptr_array_index (self->devices, selected))->name,
                      &options, scan_progress_cb,
                      /* A reference of its own: progress may arrive after the result. */
                      operation_copy (op), (GDestroyNotify) operation_free,
                      op->cancellable, scan_done_cb, op);
}

static void
refresh_clicked_cb (PdScannerDialog *self)
{
  list_devices (self);
}

static void
cancel_clicked_cb (PdScannerDialog *self)
{
  /* While scanning, Cancel stops the scan; otherwise it closes the dialog. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
use_clicked_cb (PdScannerDialog *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (self->scan == NULL)
    return;
  bytes = pd_sane_encode (self->scan, SCAN_CONTENT_TYPE, self->scan_resolution, &error);
  if (bytes == NULL)
    {
      set_status (self, error->message, TRUE);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SCANNED], 0, pd_sane_document_get_kind (self->scan_document),
                 SCAN_CONTENT_TYPE, bytes, self->scan);
  gtk_window_close (GTK_WINDOW (self));
}

PdScannerDialog *
pd_scanner_dialog_new (GtkWindow *parent)
{
  return g_object_new (PD_TYPE_SCANNER_DIALOG, "transient-for", parent, NULL);
}

PdSaneDocument
pd_scanner_dialog_get_document (PdScannerDialog *self)
{
  g_return_val_if_fail (PD_IS_SCANNER_DIALOG (self), 0);

  return (PdSaneDocument) adw_combo_row_get_selected (self->document_row);
}

void
pd_scanner_dialog_set_document (PdScannerDialog *self,
                                PdSaneDocument   document)
{
  g_return_if_fail (PD_IS_SCANNER_DIALOG (self));
  g_return_if_fail (document < PD_SANE_N_DOCUMENTS);

  adw_combo_row_set_selected (self->document_row, document);
}

static void
document_selected_cb (PdScannerDialog *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

static void
pd_scanner_dialog_dispose (GObject *object)
{
  PdScannerDialog *self = PD_SCANNER_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_object (&self->scan);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_SCANNER_DIALOG);

  G_OBJECT_CLASS (pd_scanner_dialog_parent_class)->dispose (object);
}

static void
pd_scanner_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PdScannerDialog *self = PD_SCANNER_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_uint (value, pd_scanner_dialog_get_document (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_scanner_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PdScannerDialog *self = PD_SCANNER_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      pd_scanner_dialog_set_document (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_scanner_dialog_class_init (PdScannerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_scanner_dialog_dispose;
  object_class->get_property = pd_scanner_dialog_get_property;
  object_class->set_property = pd_scanner_dialog_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_uint ("document", NULL, NULL, 0, PD_SANE_N_DOCUMENTS - 1,
                       PD_SANE_DOCUMENT_ID_CARD_FRONT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SCANNED] =
    g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BYTES, GDK_TYPE_PIXBUF);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-scanner-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, use_button);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, device_row);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, device_names);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, document_row);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, document_names);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, scan_button);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PdScannerDialog, preview);
  gtk_widget_class_bind_template_callback (widget_class, scan_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_clicked_cb);
}

static void
pd_scanner_dialog_init (PdScannerDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < PD_SANE_N_DOCUMENTS; i++)
    gtk_string_list_append (self->document_names, pd_sane_document_get_label (i));
  g_signal_connect_object (self->document_row, "notify::selected",
                           G_CALLBACK (document_selected_cb), self, G_CONNECT_SWAPPED);
  list_devices (self);
}
