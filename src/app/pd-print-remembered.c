/* pd-print-remembered.c: printing to the printer remembered for a kind of paper. */
#define G_LOG_DOMAIN "pd-print-remembered"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>

#include "pd-print.h"
#include "pd-print-cups.h"
#include "pd-print-remembered.h"

#define PRINTER_KEY "printer"
#define PAPER_KEY "paper"

typedef struct {
  GtkWindow         *parent;
  PdPrintDocument   *document;
  char              *kind;
  char              *printer;        /* remembered for the kind; NULL: the dialog */
  PdPrintNoticeFunc  notice;
  gpointer           notice_data;
} Printing;

static void
printing_free (Printing *printing)
{
  g_clear_object (&printing->document);
  g_free (printing->kind);
  g_free (printing->printer);
  g_free (printing);
}

static char *
printers_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "passdesk", "printers.ini", NULL);
}

static GKeyFile *
load_printers (void)
{
  g_autofree char *path = printers_path ();
  GKeyFile *file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_KEEP_COMMENTS, &error) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_warning ("Cannot read the printers remembered in %s, asking again: %s", path, error->message);
  return file;
}

typedef struct {
  char *kind;
  char *printer;
  char *paper;
} Remembered;

static void
remembered_free (Remembered *remembered)
{
  g_free (remembered->kind);
  g_free (remembered->printer);
  g_free (remembered->paper);
  g_free (remembered);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Remembered, remembered_free)

/* Only a printer of the print server is remembered: the dialog's "Print to File" is not one. */
static void
remember_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Remembered) remembered = user_data;
  g_autoptr(GKeyFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;

  if (!pd_print_cups_find_printer_finish (result, NULL))
    return;
  file = load_printers ();
  path = printers_path ();
  dir = g_path_get_dirname (path);
  g_key_file_remove_group (file, remembered->kind, NULL);
  g_key_file_set_string (file, remembered->kind, PRINTER_KEY, remembered->printer);
  if (remembered->paper != NULL)
    g_key_file_set_string (file, remembered->kind, PAPER_KEY, remembered->paper);
  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_key_file_save_to_file (file, path, &error))
    g_warning ("Cannot remember the printer in %s: %s", path,
               error != NULL ? error->message : g_strerror (errno));
}

static void
dialog_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Printing *printing = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *printer, *paper;

  if (!pd_print_document_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if ((printer = pd_print_document_get_printer (result, &paper)) != NULL)
    {
      Remembered *remembered = g_new0 (Remembered, 1);

      remembered->kind = g_strdup (printing->kind);
      remembered->printer = g_strdup (printer);
      remembered->paper = g_strdup (paper);
      pd_print_cups_find_printer_async (printer, NULL, remember_cb, remembered);
    }
  g_task_return_boolean (task, TRUE);
}

static void
print_with_dialog (GTask *task)
{
  Printing *printing = g_task_get_task_data (task);

  pd_print_document_async (printing->parent, printing->document, PD_PRINT_ACTION_DIALOG, NULL,
                           g_task_get_cancellable (task), dialog_done_cb, task);
}

static char *
gone_message (const char *kind,
              const char *printer)
{
  if (g_str_equal (kind, "receipt"))
    return g_strdup_printf (_("The printer “%s” remembered for receipts is not available; choose a printer."),
                            printer);
  if (g_str_equal (kind, "ticket"))
    return g_strdup_printf (_("The printer “%s” remembered for tickets is not available; choose a printer."),
                            printer);
  return g_strdup_printf (_("The printer “%s” remembered for slips is not available; choose a printer."),
                          printer);
}

static void
cups_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Printing *printing = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (pd_print_cups_print_finish (result, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_autofree char *message = gone_message (printing->kind, printing->printer);

      if (printing->notice != NULL)
        printing->notice (message, printing->notice_data);
      print_with_dialog (g_steal_pointer (&task));
      return;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

void
pd_print_remembered_async (GtkWindow           *parent,
                           PdPrintDocument     *document,
                           const char          *kind,
                           gboolean             ask,
                           PdPrintNoticeFunc    notice,
                           gpointer             notice_data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GKeyFile) file = NULL;
  g_autofree char *paper = NULL;
  Printing *printing;

  g_return_if_fail (PD_IS_PRINT_DOCUMENT (document));
  g_return_if_fail (kind != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_print_remembered_async);
  printing = g_new0 (Printing, 1);
  printing->parent = parent;
  printing->document = g_object_ref (document);
  printing->kind = g_strdup (kind);
  printing->notice = notice;
  printing->notice_data = notice_data;
  g_task_set_task_data (task, printing, (GDestroyNotify) printing_free);

  if (!ask)
    {
      file = load_printers ();
      printing->printer = g_key_file_get_string (file, kind, PRINTER_KEY, NULL);
      paper = g_key_file_get_string (file, kind, PAPER_KEY, NULL);
    }
  if (printing->printer != NULL)
    pd_print_cups_print_async (document, printing->printer, paper, cancellable, cups_done_cb,
                               g_steal_pointer (&task));
  else
    print_with_dialog (g_steal_pointer (&task));
}

gboolean
pd_print_remembered_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
