/* pd-scan-list.c: the scanned documents of the application on the form, stored or waiting for it. */
#define G_LOG_DOMAIN "pd-scan-list"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-scan-list.h"
#include "pd-toast.h"
#include "capture/pd-sane.h"

/* A scanned document waiting for the application to be saved, or one in the store. */
typedef struct
{
  char   *kind;
  char   *mime_type;
  GBytes *data;       /* NULL once stored */
  gsize   size;
} Attachment;

struct _PdScanList
{
  AdwPreferencesGroup  parent_instance;

  PdStore             *store;
  gint64               dossier_id;
  GPtrArray           *pending;      /* Attachment with data, waiting for the dossier's id */
  GPtrArray           *stored;       /* Attachment without data, already in the store */
  GPtrArray           *rows;         /* GtkWidget, the rows shown */
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (PdScanList, pd_scan_list, ADW_TYPE_PREFERENCES_GROUP)

enum {
  CHANGED,
  PHOTO_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
attachment_free (Attachment *attachment)
{
  g_free (attachment->kind);
  g_free (attachment->mime_type);
  g_clear_pointer (&attachment->data, g_bytes_unref);
  g_free (attachment);
}

static Attachment *
attachment_new (const char *kind,
                const char *mime_type,
                GBytes     *data,
                gsize       size)
{
  Attachment *attachment = g_new0 (Attachment, 1);

  attachment->kind = g_strdup (kind);
  attachment->mime_type = g_strdup (mime_type);
  attachment->data = data ? g_bytes_ref (data) : NULL;
  attachment->size = size;
  return attachment;
}

static const char *
document_label (const char *kind)
{
  for (PdSaneDocument d = 0; d < PD_SANE_N_DOCUMENTS; d++)
    if (g_strcmp0 (pd_sane_document_get_kind (d), kind) == 0)
      return pd_sane_document_get_label (d);
  return kind;
}

static void
show_documents (PdScanList *self)
{
  GPtrArray *lists[] = { self->stored, self->pending };

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const Attachment *a = g_ptr_array_index (lists[l], i);
        GtkWidget *row = adw_action_row_new ();
        g_autofree char *size = g_format_size (a->size);
        g_autofree char *subtitle = NULL;

        if (a->data != NULL)
          /* Translators: %s is a file size such as "1.2 MB". */
          subtitle = g_strdup_printf (_("%s, stored when the application is saved"), size);
        else
          subtitle = g_strdup_printf (_("%s, stored encrypted"), size);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), document_label (a->kind));
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("x-office-document-symbolic"));
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
        g_ptr_array_add (self->rows, row);
      }

  if (self->rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No scanned documents"));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

typedef struct
{
  GPtrArray *documents;   /* Attachment without data */
  GBytes    *photo;
} StoredAttachments;

static void
stored_attachments_free (StoredAttachments *stored)
{
  g_clear_pointer (&stored->documents, g_ptr_array_unref);
  g_clear_pointer (&stored->photo, g_bytes_unref);
  g_free (stored);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PdStore *store = source_object;
  gint64 id = *(gint64 *) task_data;
  GError *error = NULL;
  g_autoptr(GArray) ids = pd_store_list_attachments (store, id, &error);
  StoredAttachments *stored;

  if (ids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  stored = g_new0 (StoredAttachments, 1);
  stored->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *kind = NULL;
      g_autofree char *mime_type = NULL;
      g_autoptr(GBytes) data = pd_store_get_attachment (store, g_array_index (ids, gint64, i),
                                                        &kind, &mime_type, &error);

      if (data == NULL)
        {
          stored_attachments_free (stored);
          g_task_return_error (task, error);
          return;
        }
      /* Oldest first: the last photo is the one in use. */
      if (g_strcmp0 (kind, "photo") == 0)
        {
          g_clear_pointer (&stored->photo, g_bytes_unref);
          stored->photo = g_steal_pointer (&data);
        }
      else
        g_ptr_array_add (stored->documents, attachment_new (kind, mime_type, NULL, g_bytes_get_size (data)));
    }
  g_task_return_pointer (task, stored, (GDestroyNotify) stored_attachments_free);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PdScanList *self = user_data;
  g_autoptr(GError) error = NULL;
  StoredAttachments *stored = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (stored == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot list the scanned documents: %s"), error->message);

      pd_toast_show (GTK_WIDGET (self), adw_toast_new (message));
      return;
    }
  g_ptr_array_set_size (self->stored, 0);
  g_ptr_array_extend_and_steal (self->stored, g_steal_pointer (&stored->documents));
  g_signal_emit (self, signals[PHOTO_LOADED], 0, stored->photo);
  stored_attachments_free (stored);
  show_documents (self);
}

static void
list_stored (PdScanList *self)
{
  g_autoptr(GTask) task = NULL;
  gint64 *id;

  if (self->store == NULL || self->dossier_id == 0)
    return;
  id = g_new (gint64, 1);
  *id = self->dossier_id;
  /* The list outlives the task: the cancellable is cancelled on dispose. */
  task = g_task_new (self->store, self->cancellable, list_cb, self);
  g_task_set_source_tag (task, list_stored);
  g_task_set_task_data (task, id, g_free);
  g_task_run_in_thread (task, list_thread);
}

void
pd_scan_list_show (PdScanList *self,
                   PdStore    *store,
                   gint64      dossier_id)
{
  g_return_if_fail (PD_IS_SCAN_LIST (self));

  pd_scan_list_cancel (self);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->store, store);
  self->dossier_id = dossier_id;
  g_ptr_array_set_size (self->pending, 0);
  g_ptr_array_set_size (self->stored, 0);
  show_documents (self);
  list_stored (self);
}

typedef struct
{
  gint64      dossier_id;
  char       *actor;
  Attachment *attachment;
} AttachData;

static void
attach_data_free (AttachData *data)
{
  g_free (data->actor);
  attachment_free (data->attachment);
  g_free (data);
}

static void
attach_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AttachData *data = task_data;
  GError *error = NULL;

  if (pd_store_add_attachment (source_object, data->dossier_id, data->attachment->kind,
                               data->attachment->mime_type, data->attachment->data, data->actor,
                               &error) == 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
attach_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PdScanList) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The scan was not stored: %s. Scan it again."), error->message);
      pd_toast_show (GTK_WIDGET (self), adw_toast_new (message));
      return;
    }
  pd_toast_show (GTK_WIDGET (self), adw_toast_new (_("Scanned document stored with the application")));
  if (self->dossier_id == ((AttachData *) g_task_get_task_data (G_TASK (result)))->dossier_id)
    list_stored (self);
}

void
pd_scan_list_add (PdScanList *self,
                  const char *kind,
                  const char *mime_type,
                  GBytes     *data)
{
  g_autoptr(GTask) task = NULL;
  AttachData *attach;

  g_return_if_fail (PD_IS_SCAN_LIST (self));
  g_return_if_fail (kind != NULL && mime_type != NULL && data != NULL);

  /* A new application has no id yet: the scan waits for the save. */
  if (self->store == NULL || self->dossier_id == 0)
    {
      g_ptr_array_add (self->pending, attachment_new (kind, mime_type, data, g_bytes_get_size (data)));
      show_documents (self);
      return;
    }

  task = g_task_new (self->store, self->cancellable, attach_cb, g_object_ref (self));
  attach = g_new0 (AttachData, 1);
  attach->dossier_id = self->dossier_id;
  attach->actor = g_strdup (g_get_user_name ());
  attach->attachment = attachment_new (kind, mime_type, data, g_bytes_get_size (data));
  g_task_set_source_tag (task, pd_scan_list_add);
  g_task_set_task_data (task, attach, (GDestroyNotify) attach_data_free);
  g_task_run_in_thread (task, attach_thread);
}

guint
pd_scan_list_get_n_documents (PdScanList *self)
{
  g_return_val_if_fail (PD_IS_SCAN_LIST (self), 0);
  return self->stored->len + self->pending->len;
}

GPtrArray *
pd_scan_list_get_kinds (PdScanList *self)
{
  GPtrArray *lists[] = { self->stored, self->pending };
  GPtrArray *kinds = g_ptr_array_new ();

  g_return_val_if_fail (PD_IS_SCAN_LIST (self), kinds);

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      g_ptr_array_add (kinds, ((Attachment *) g_ptr_array_index (lists[l], i))->kind);
  return kinds;
}

void
pd_scan_list_add_pending_to (PdScanList *self,
                             PdIntake   *intake)
{
  g_return_if_fail (PD_IS_SCAN_LIST (self));

  for (guint i = 0; i < self->pending->len; i++)
    {
      const Attachment *a = g_ptr_array_index (self->pending, i);

      pd_intake_add_attachment (intake, a->kind, a->mime_type, a->data);
    }
}

void
pd_scan_list_cancel (PdScanList *self)
{
  g_return_if_fail (PD_IS_SCAN_LIST (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
pd_scan_list_dispose (GObject *object)
{
  pd_scan_list_cancel (PD_SCAN_LIST (object));

  G_OBJECT_CLASS (pd_scan_list_parent_class)->dispose (object);
}

static void
pd_scan_list_finalize (GObject *object)
{
  PdScanList *self = PD_SCAN_LIST (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->stored, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (pd_scan_list_parent_class)->finalize (object);
}

static void
pd_scan_list_class_init (PdScanListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pd_scan_list_dispose;
  object_class->finalize = pd_scan_list_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PHOTO_LOADED] = g_signal_new ("photo-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
}

static void
pd_scan_list_init (PdScanList *self)
{
  GtkWidget *button;

  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  self->stored = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  self->rows = g_ptr_array_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Scanned Documents"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("ID card, old passport and other papers, stored encrypted with the application"));
  button = gtk_button_new_with_mnemonic (_("_Attach Scan…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.attach-scan");
  gtk_widget_set_tooltip_text (button, _("Scan a document with the scanner and attach it (Ctrl+D)"));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), button);
}

PdScanList *
pd_scan_list_new (void)
{
  return g_object_new (PD_TYPE_SCAN_LIST, NULL);
}
