/* pd-print-cups.c: submits a paper, rendered to PDF, to a CUPS printer with libcups. */
#define G_LOG_DOMAIN "pd-print"

#include "config.h"

#include <cups/cups.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pd-print-cups.h"

typedef struct {
  char *printer;
  char *media;
  char *title;
  char *path;   /* the rendered PDF, removed once submitted */
} CupsJob;

static void
cups_job_free (CupsJob *job)
{
  if (job->path != NULL)
    g_unlink (job->path);
  g_free (job->printer);
  g_free (job->media);
  g_free (job->title);
  g_free (job->path);
  g_free (job);
}

/* A server that is down or slow keeps this waiting: never on the main thread. */
static gboolean
has_printer (const char *printer)
{
  cups_dest_t *dest = cupsGetNamedDest (CUPS_HTTP_DEFAULT, printer, NULL);

  if (dest == NULL)
    return FALSE;
  cupsFreeDests (1, dest);
  return TRUE;
}

static void
find_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_boolean (task, has_printer (task_data));
}

void
pd_print_cups_find_printer_async (const char          *printer,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (printer != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_print_cups_find_printer_async);
  g_task_set_task_data (task, g_strdup (printer), g_free);
  g_task_run_in_thread (task, find_thread);
}

gboolean
pd_print_cups_find_printer_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pd_print_cups_find_printer_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* libcups keeps its connection per thread: this one opens its own and closes it on return. */
static void
submit_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CupsJob *job = task_data;
  cups_option_t *options = NULL;
  int n_options = 0;
  int id;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!has_printer (job->printer))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("There is no printer “%s”."), job->printer);
      return;
    }
  n_options = cupsAddOption (CUPS_COPIES, "1", n_options, &options);
  if (job->media != NULL)
    n_options = cupsAddOption (CUPS_MEDIA, job->media, n_options, &options);
  id = cupsPrintFile2 (CUPS_HTTP_DEFAULT, job->printer, job->path, job->title, n_options, options);
  cupsFreeOptions (n_options, options);
  if (id == 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             /* Translators: %s is the printer's name, then the print server's reason. */
                             _("the printer “%s” did not take the paper (%s)"), job->printer,
                             cupsLastErrorString ());
  else
    g_task_return_boolean (task, TRUE);
}

void
pd_print_cups_print_async (PdPrintDocument     *document,
                           const char          *printer,
                           const char          *media,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CupsJob *job;
  int fd;

  g_return_if_fail (PD_IS_PRINT_DOCUMENT (document));
  g_return_if_fail (printer != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_print_cups_print_async);
  job = g_new0 (CupsJob, 1);
  job->printer = g_strdup (printer);
  job->media = g_strdup (media);
  job->title = g_strdup (pd_print_document_get_title (document));
  g_task_set_task_data (task, job, (GDestroyNotify) cups_job_free);

  fd = g_file_open_tmp ("passdesk-print-XXXXXX.pdf", &job->path, &error);
  if (fd < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_close (fd, NULL);
  if (!pd_print_document_write_pdf (document, job->path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_run_in_thread (task, submit_thread);
}

gboolean
pd_print_cups_print_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pd_print_cups_print_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
