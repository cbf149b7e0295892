/* pd-ui-test-cups.h: a private cupsd with a cups-pdf queue, for the tests that print to a real
 * printer through libcups: what is printed comes out as PDF files. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char        *dir;         /* the server's folder: configuration, spool, logs */
  char        *server;      /* its socket, for CUPS_SERVER */
  char        *printer;     /* the cups-pdf queue */
  char        *out_dir;     /* where cups-pdf writes what is printed */
  char        *queue_conf;  /* /etc/cups/cups-pdf-NAME.conf, read by the cups-pdf backend */
  GSubprocess *cupsd;
  GSubprocess *conf_remover; /* removes queue_conf once its stdin closes */
} PdTestCups;

/* Starts cupsd (killed with the test process, whatever ends it) with the queue @printer, and
 * sets CUPS_SERVER. NULL, with why in @skip, when cupsd or cups-pdf
 * is not installed. */
PdTestCups *pd_test_cups_start        (const char  *printer,
                                       char       **skip);
/* The PDF files in @out_dir once there are @n, or after @seconds (element-type filename). */
GPtrArray  *pd_test_cups_wait_for_pdfs (PdTestCups *cups,
                                        guint       n,
                                        guint       seconds);
void        pd_test_cups_stop         (PdTestCups  *cups);

G_END_DECLS
