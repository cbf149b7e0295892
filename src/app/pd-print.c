/* pd-print.c: the GtkPrintOperation around a PdPrintDocument. */
#define G_LOG_DOMAIN "pd-print"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-print.h"

typedef struct {
  GtkPrintOperation *operation;
  PdPrintDocument   *document;
  GError            *layout_error;   /* from begin-print, which cannot return one */
  char              *printer;        /* the one printed to, and its paper, for the caller to remember */
  char              *paper;
  gulong             cancelled_id;
  gboolean           returned;
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_clear_object (&job->operation);
  g_clear_object (&job->document);
  g_clear_error (&job->layout_error);
  g_free (job->printer);
  g_free (job->paper);
  g_free (job);
}

/* GClosureNotify has a second argument: g_object_unref() cast to it is undefined behaviour. */
static void
unref_task (gpointer  data,
            GClosure *closure)
{
  g_object_unref (data);
}

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                GTask             *task)
{
  PrintJob *job = g_task_get_task_data (task);

  if (!pd_print_document_paginate (job->document, gtk_print_context_get_cairo_context (context),
                                   &job->layout_error))
    {
      gtk_print_operation_cancel (operation);
      return;
    }
  gtk_print_operation_set_n_pages (operation, pd_print_document_get_n_pages (job->document));
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              GTask             *task)
{
  PrintJob *job = g_task_get_task_data (task);

  pd_print_document_draw_page (job->document, gtk_print_context_get_cairo_context (context), page);
}

static void on_done (GtkPrintOperation       *operation,
                     GtkPrintOperationResult  result,
                     GTask                   *task);

/* Runs once: from "done", or after gtk_print_operation_run() when it ended without it. */
static void
complete (GTask                   *task,
          GtkPrintOperationResult  result)
{
  PrintJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (job->returned)
    return;
  job->returned = TRUE;
  if (job->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), job->cancelled_id);
  job->cancelled_id = 0;
  g_signal_handlers_disconnect_by_func (job->operation, on_begin_print, task);
  g_signal_handlers_disconnect_by_func (job->operation, on_draw_page, task);
  g_signal_handlers_disconnect_by_func (job->operation, on_done, task);

  if (job->layout_error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->layout_error));
  else if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (job->operation, &error);
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                     _("Printing failed. Check that the printer is on and has paper."));
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else if (result == GTK_PRINT_OPERATION_RESULT_CANCEL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Printing was cancelled."));
  else
    {
      GtkPrintSettings *settings = gtk_print_operation_get_print_settings (job->operation);
      g_autoptr(GtkPaperSize) paper = settings != NULL ? gtk_print_settings_get_paper_size (settings) : NULL;

      if (settings != NULL)
        job->printer = g_strdup (gtk_print_settings_get_printer (settings));
      if (paper != NULL)
        job->paper = g_strdup (gtk_paper_size_get_ppd_name (paper));
      g_task_return_boolean (task, TRUE);
    }
}

static void
on_done (GtkPrintOperation       *operation,
         GtkPrintOperationResult  result,
         GTask                   *task)
{
  g_autoptr(GTask) owned = g_object_ref (task);

  complete (task, result);
}

static void
on_cancelled (GCancellable      *cancellable,
              GtkPrintOperation *operation)
{
  gtk_print_operation_cancel (operation);
}

static GtkPageSetup *
create_page_setup (PdPrintDocument *document)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = NULL;
  double width, height;

  pd_print_document_get_page_size (document, &width, &height);
  switch (pd_print_document_get_paper (document))
    {
    case PD_PRINT_PAPER_A5:
      paper = gtk_paper_size_new (GTK_PAPER_NAME_A5);
      break;
    case PD_PRINT_PAPER_A6:
      paper = gtk_paper_size_new ("iso_a6");
      break;
    case PD_PRINT_PAPER_ROLL_80:
    case PD_PRINT_PAPER_ROLL_58:
    default:
      /* A roll is cut where the content ends. */
      paper = gtk_paper_size_new_custom (pd_print_paper_to_string (pd_print_document_get_paper (document)),
                                         _("Receipt roll"), width, height, GTK_UNIT_MM);
      break;
    }
  gtk_page_setup_set_paper_size_and_default_margins (setup, paper);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_MM);
  return setup;
}

void
pd_print_document_async (GtkWindow           *parent,
                         PdPrintDocument     *document,
                         PdPrintAction        action,
                         const char          *export_path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  GtkPrintOperationAction operation_action;
  GtkPrintOperationResult result;
  PrintJob *job;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (PD_IS_PRINT_DOCUMENT (document));
  g_return_if_fail ((action == PD_PRINT_ACTION_EXPORT) == (export_path != NULL));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_print_document_async);

  /* The page size of a roll is known only once the content is laid out. */
  if (!pd_print_document_measure (document, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = g_new0 (PrintJob, 1);
  job->document = g_object_ref (document);
  job->operation = gtk_print_operation_new ();
  g_task_set_task_data (task, job, (GDestroyNotify) print_job_free);

  setup = create_page_setup (document);
  gtk_print_operation_set_default_page_setup (job->operation, setup);
  gtk_print_operation_set_job_name (job->operation, pd_print_document_get_title (document));
  gtk_print_operation_set_unit (job->operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (job->operation, TRUE);
  gtk_print_operation_set_allow_async (job->operation, TRUE);
  gtk_print_operation_set_n_pages (job->operation, pd_print_document_get_n_pages (document));
  /* The handlers keep the task alive while the dialog runs; complete() drops them. */
  g_signal_connect_data (job->operation, "begin-print", G_CALLBACK (on_begin_print),
                         g_object_ref (task), unref_task, 0);
  g_signal_connect_data (job->operation, "draw-page", G_CALLBACK (on_draw_page),
                         g_object_ref (task), unref_task, 0);
  g_signal_connect_data (job->operation, "done", G_CALLBACK (on_done),
                         g_object_ref (task), unref_task, 0);
  if (cancellable != NULL)
    job->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                               job->operation, NULL);

  switch (action)
    {
    case PD_PRINT_ACTION_EXPORT:
      gtk_print_operation_set_export_filename (job->operation, export_path);
      operation_action = GTK_PRINT_OPERATION_ACTION_EXPORT;
      break;
    case PD_PRINT_ACTION_PREVIEW:
      operation_action = GTK_PRINT_OPERATION_ACTION_PREVIEW;
      break;
    case PD_PRINT_ACTION_DIALOG:
    default:
      operation_action = GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG;
      break;
    }

  result = gtk_print_operation_run (job->operation, operation_action, parent, &error);
  if (result == GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    return;
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR && error != NULL && job->layout_error == NULL)
    job->layout_error = g_steal_pointer (&error);
  complete (task, result);
}

gboolean
pd_print_document_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pd_print_document_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
pd_print_document_get_printer (GAsyncResult *result,
                               const char  **paper)
{
  PrintJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  job = g_task_get_task_data (G_TASK (result));
  if (paper != NULL)
    *paper = job->paper;
  return job->printer;
}
