/* pd-ui-test-cups.c: a private cupsd in a temporary folder with a cups-pdf queue. */
#define G_LOG_DOMAIN "pd-ui-test-cups"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "pd-ui-test-cups.h"
#include "pd-test-support.h"

#define CUPSD "/usr/sbin/cupsd"
#define LPADMIN "/usr/sbin/lpadmin"
#define CUPS_PDF_BACKEND "/usr/lib/cups/backend/cups-pdf"
#define CUPS_PDF_MODEL "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
#define CUPS_PDF_PPD "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"
/* cups-pdf reads /etc/cups/cups-pdf-NAME.conf for the device URI cups-pdf:/NAME (its path is
 * compiled in), else /etc/cups/cups-pdf.conf, whose Out is the user's ~/PDF. */
#define CUPS_PDF_CONF_DIR "/etc/cups"

/* A test that dies (an assertion aborts it) takes its cupsd along; cupsd then stops its jobs'
 * filters and backends. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static gboolean
run (const char * const *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
}

PdTestCups *
pd_test_cups_start (const char  *printer,
                    char       **skip)
{
  const char *needed[] = { CUPSD, LPADMIN, CUPS_PDF_BACKEND, CUPS_PDF_PPD };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cupsd_conf = NULL, *files_conf = NULL, *cupsd_path = NULL, *files_path = NULL;
  g_autofree char *conf = NULL, *uri = NULL, *name = NULL;
  PdTestCups *cups;
  gint64 end;

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    if (!g_file_test (needed[i], G_FILE_TEST_EXISTS))
      {
        *skip = g_strdup_printf ("%s is not installed (packages cups and printer-driver-cups-pdf)", needed[i]);
        return NULL;
      }

  cups = g_new0 (PdTestCups, 1);
  cups->dir = pd_test_make_tmpdir ();
  /* Filters run as the server's user (lp), backends as root: both read the spool. */
  g_assert_cmpint (g_chmod (cups->dir, 0755), ==, 0);
  cups->server = g_build_filename (cups->dir, "cups.sock", NULL);
  cups->printer = g_strdup (printer);
  cups->out_dir = g_build_filename (cups->dir, "pdf", NULL);
  for (const char * const *sub = (const char * const[]) { "spool", "cache", "state", "tmp", "log", "pdf", NULL };
       *sub; sub++)
    {
      g_autofree char *path = g_build_filename (cups->dir, *sub, NULL);

      g_assert_cmpint (g_mkdir (path, 01777), ==, 0);
      g_assert_cmpint (g_chmod (path, 01777), ==, 0);
    }

  cupsd_conf = g_strdup_printf ("Listen %s\n"
                                "LogLevel info\n"
                                "WebInterface No\n"
                                "Browsing No\n"
                                "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
                                "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
                                cups->server);
  write_file (cups->dir, "cupsd.conf", cupsd_conf);
  files_conf = g_strdup_printf ("ServerRoot %1$s\n"
                                "RequestRoot %1$s/spool\n"
                                "CacheDir %1$s/cache\n"
                                "StateDir %1$s/state\n"
                                "TempDir %1$s/tmp\n"
                                "AccessLog %1$s/log/access_log\n"
                                "ErrorLog %1$s/log/error_log\n"
                                "PageLog %1$s/log/page_log\n",
                                cups->dir);
  write_file (cups->dir, "cups-files.conf", files_conf);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  cupsd_path = g_build_filename (cups->dir, "cupsd.conf", NULL);
  files_path = g_build_filename (cups->dir, "cups-files.conf", NULL);
  cups->cupsd = g_subprocess_launcher_spawn (launcher, &error, CUPSD, "-f", "-c", cupsd_path,
                                             "-s", files_path, NULL);
  g_assert_no_error (error);

  /* Ready once it answers on its socket. */
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!g_file_test (cups->server, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (50 * 1000);
    }

  /* The device's name picks the backend's configuration: one per test process. */
  name = g_strdup_printf ("passdesk-test-%d", (int) getpid ());
  uri = g_strdup_printf ("cups-pdf:/%s", name);
  cups->queue_conf = g_strdup_printf ("%s/cups-pdf-%s.conf", CUPS_PDF_CONF_DIR, name);
  conf = g_strdup_printf ("Out %s\nLog %s/log\n", cups->out_dir, cups->dir);
  /* Removed when the test ends, however: the shell's read returns once the pipe closes, which
   * the kernel does when this process dies. */
  cups->conf_remover = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error,
                                         "sh", "-c", "read _; exec rm -f \"$0\"", cups->queue_conf, NULL);
  g_assert_no_error (error);
  g_file_set_contents (cups->queue_conf, conf, -1, &error);
  g_assert_no_error (error);

  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!run ((const char * const[]) { LPADMIN, "-h", cups->server, "-p", printer, "-E", "-v", uri,
                                        "-m", CUPS_PDF_MODEL,
                                        /* Poppler's pdftops keeps the text as text: Ghostscript's
                                         * (the default) draws the letters as outlines. */
                                        "-o", "pdftops-renderer-default=pdftops", NULL }))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (100 * 1000);
    }
  g_setenv ("CUPS_SERVER", cups->server, TRUE);
  return cups;
}

/* Ghostscript writes cups-pdf's file as it goes: done once it ends with the trailer's mark. */
static gboolean
pdf_complete (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL) || length < 16)
    return FALSE;
  return g_strrstr_len (contents + length - 16, 16, "%%EOF") != NULL;
}

GPtrArray *
pd_test_cups_wait_for_pdfs (PdTestCups *cups,
                            guint       n,
                            guint       seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) paths = NULL;

  do
    {
      g_autoptr(GDir) dir = g_dir_open (cups->out_dir, 0, NULL);
      const char *name;
      guint n_complete = 0;

      g_clear_pointer (&paths, g_ptr_array_unref);
      paths = g_ptr_array_new_with_free_func (g_free);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".pdf"))
          {
            g_ptr_array_add (paths, g_build_filename (cups->out_dir, name, NULL));
            n_complete += pdf_complete (g_ptr_array_index (paths, paths->len - 1));
          }
      if (n_complete >= n)
        return g_steal_pointer (&paths);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (50 * 1000);
    }
  while (g_get_monotonic_time () < end);
  return g_steal_pointer (&paths);
}

void
pd_test_cups_stop (PdTestCups *cups)
{
  if (cups == NULL)
    return;
  g_subprocess_send_signal (cups->cupsd, SIGTERM);
  g_subprocess_wait (cups->cupsd, NULL, NULL);
  g_output_stream_close (g_subprocess_get_stdin_pipe (cups->conf_remover), NULL, NULL);
  g_subprocess_wait (cups->conf_remover, NULL, NULL);
  g_clear_object (&cups->conf_remover);
  g_unsetenv ("CUPS_SERVER");
  g_clear_object (&cups->cupsd);
  g_free (cups->dir);
  g_free (cups->server);
  g_free (cups->printer);
  g_free (cups->out_dir);
  g_free (cups->queue_conf);
  g_free (cups);
}
