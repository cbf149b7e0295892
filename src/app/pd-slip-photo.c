/* pd-slip-photo.c: at the counter, the photo of an assisted-entry slip fetched from the central system. */
#define G_LOG_DOMAIN "pd-slip-photo"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pd-cccd.h"
#include "pd-photo-page-private.h"
#include "pd-slip-photo.h"
#include "sync/pd-prepared.h"
#include "sync/pd-sync-client.h"

struct _PdSlipPhoto
{
  GObject        parent_instance;

  PdDossierForm *form;
  PdPhotoPage   *photo_page;
  AdwViewStack  *view_stack;
  GCancellable  *cancellable;
  /* The photo for the photo page, which reads it from a file; removed with the next. */
  char          *path;
  /* Set until the officer opens the photo page: by then its face model has loaded. */
  char          *pending_code;
};

G_DEFINE_FINAL_TYPE (PdSlipPhoto, pd_slip_photo, G_TYPE_OBJECT)

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
remove_file (PdSlipPhoto *self)
{
  if (self->path != NULL)
    g_unlink (self->path);
  g_clear_pointer (&self->path, g_free);
}

/* In the user's runtime folder (memory, only theirs) where there is one. */
static gboolean
write_file (PdSlipPhoto  *self,
            GBytes       *jpeg,
            GError      **error)
{
  g_autofree char *path = g_build_filename (g_get_user_runtime_dir (), "passdesk-slip-photo-XXXXXX.jpg", NULL);
  gsize length;
  const char *data = g_bytes_get_data (jpeg, &length);
  int fd = g_mkstemp_full (path, O_WRONLY | O_CLOEXEC, 0600);
  gssize written;
  int saved_errno;

  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), g_strerror (saved_errno));
      return FALSE;
    }
  written = write (fd, data, length);
  saved_errno = errno;
  close (fd);
  if (written != (gssize) length)
    {
      /* A short write is a full disk. */
      g_unlink (path);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, g_strerror (written < 0 ? saved_errno : ENOSPC));
      return FALSE;
    }
  remove_file (self);
  self->path = g_steal_pointer (&path);
  return TRUE;
}

static void
say (PdSlipPhoto *self,
     const char  *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PdDossier) slip = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrepared) prepared = pd_prepared_fetch_finish (PD_SYNC_ENGINE (object), result, &error);
  g_autoptr(GPtrArray) mismatches = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  PdSlipPhoto *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = g_object_get_data (G_OBJECT (slip), "pd-slip-photo");
  /* The officer may have moved on to another applicant meanwhile. */
  if (g_strcmp0 (pd_dossier_get_field (pd_dossier_form_get_dossier (self->form), PD_FIELD_DECLARATION_CODE),
                 pd_dossier_get_field (slip, PD_FIELD_DECLARATION_CODE)) != 0)
    return;

  if (prepared == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_FOUND))
        text = g_strdup (_("The assisted-entry station has not sent this applicant’s photo yet: it sends it "
                           "once it is online. Take the photo at the counter, or scan the slip again later."));
      else if (g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
        text = g_strdup (_("The central system cannot be reached: take the photo at the counter. The photo "
                           "taken at the assisted-entry station will be available once this station is "
                           "online (scan the slip again then)."));
      else
        text = g_strdup_printf (_("Cannot fetch the photo taken at the assisted-entry station: %s Take the "
                                  "photo at the counter."), error->message);
      say (self, text);
      return;
    }

  /* The slip is signed by a trusted station: its values stay, the officer sees the others. */
  mismatches = pd_prepared_compare (slip, prepared->dossier);
  if (mismatches->len > 0)
    pd_dossier_form_show_mismatches (self->form, _("Central copy"), _("_Use Central Value"), mismatches);

  if (prepared->photo == NULL)
    g_string_append (message, _("No photo was taken at the assisted-entry station: take it at the counter."));
  else if (!write_file (self, prepared->photo, &error))
    g_string_append_printf (message, _("The photo taken at the assisted-entry station cannot be shown (%s): "
                                       "take the photo at the counter."), error->message);
  else
    {
      g_free (self->pending_code);
      self->pending_code = g_strdup (prepared->code);
      if (prepared->photo_override == NULL)
        {
          pd_dossier_form_set_photo (self->form, prepared->photo, NULL);
          g_string_append (message, _("Photo from the assisted-entry station added (it met the standard "
                                      "there). Check it on the Photo page."));
        }
      else
        {
          adw_view_stack_set_visible_child_name (self->view_stack, "photo");
          g_string_append_printf (message, _("The photo taken at the assisted-entry station did not pass every "
                                             "check there (%s). Use it, or take the photo again."),
                                  prepared->photo_override);
        }
    }
  if (mismatches->len > 0)
    {
      g_string_append_c (message, ' ');
      g_string_append_printf (message,
                              g_dngettext (NULL,
                                           "%u field of the central copy differs from the slip: the slip’s "
                                           "value is kept; check it with the applicant.",
                                           "%u fields of the central copy differ from the slip: the slip’s "
                                           "values are kept; check them with the applicant.",
                                           mismatches->len), mismatches->len);
    }
  say (self, message->str);
}

static void
visible_page_cb (PdSlipPhoto *self)
{
  g_autoptr(GFile) file = NULL;

  /* Until the face model has loaded the page could not check it: the next visit will. */
  if (self->pending_code == NULL ||
      g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "photo") != 0 ||
      !pd_photo_page_get_model_ready (self->photo_page))
    return;
  if (g_strcmp0 (pd_dossier_get_field (pd_dossier_form_get_dossier (self->form), PD_FIELD_DECLARATION_CODE),
                 self->pending_code) == 0)
    {
      file = g_file_new_for_path (self->path);
      pd_photo_page_import_file (self->photo_page, file);
    }
  g_clear_pointer (&self->pending_code, g_free);
}

void
pd_slip_photo_fetch (PdSlipPhoto  *self,
                     PdSyncEngine *engine,
                     PdDossier    *slip)
{
  const char *code;
  PdDossier *copy;

  g_return_if_fail (PD_IS_SLIP_PHOTO (self));
  g_return_if_fail (engine == NULL || PD_IS_SYNC_ENGINE (engine));
  g_return_if_fail (PD_IS_DOSSIER (slip));

  pd_slip_photo_cancel (self);
  code = pd_dossier_get_field (slip, PD_FIELD_DECLARATION_CODE);
  if (engine == NULL || code == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  copy = pd_dossier_copy (slip);
  /* Unowned: pd_slip_photo_cancel() runs before this object goes, and the callback then stops. */
  g_object_set_data (G_OBJECT (copy), "pd-slip-photo", self);
  pd_prepared_fetch_async (engine, code, self->cancellable, fetched_cb, copy);
}

void
pd_slip_photo_cancel (PdSlipPhoto *self)
{
  g_return_if_fail (PD_IS_SLIP_PHOTO (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_code, g_free);
}

static void
pd_slip_photo_finalize (GObject *object)
{
  PdSlipPhoto *self = (PdSlipPhoto *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  remove_file (self);
  g_free (self->pending_code);

  G_OBJECT_CLASS (pd_slip_photo_parent_class)->finalize (object);
}

static void
pd_slip_photo_class_init (PdSlipPhotoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_slip_photo_finalize;

  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pd_slip_photo_init (PdSlipPhoto *self)
{
}

PdSlipPhoto *
pd_slip_photo_new (PdDossierForm *form,
                   PdPhotoPage   *photo_page,
                   AdwViewStack  *view_stack)
{
  PdSlipPhoto *self;

  g_return_val_if_fail (PD_IS_DOSSIER_FORM (form), NULL);
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (photo_page), NULL);
  g_return_val_if_fail (ADW_IS_VIEW_STACK (view_stack), NULL);

  self = g_object_new (PD_TYPE_SLIP_PHOTO, NULL);
  self->form = form;
  self->photo_page = photo_page;
  self->view_stack = view_stack;
  g_signal_connect_object (view_stack, "notify::visible-child", G_CALLBACK (visible_page_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}
