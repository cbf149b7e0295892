/* pd-print-qr.c: QR codes from libqrencode. */
#define G_LOG_DOMAIN "pd-print"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <qrencode.h>

#include "pd-print-qr.h"

struct _PdPrintQr
{
  char    *text;
  guint    width;
  guint8  *modules;   /* width * width, 1 for dark */
};

G_DEFINE_QUARK (pd-print-qr-error-quark, pd_print_qr_error)

PdPrintQr *
pd_print_qr_new (const char  *text,
                 GError     **error)
{
  QRcode *code;
  PdPrintQr *qr;
  int saved_errno;

  g_return_val_if_fail (text != NULL, NULL);

  if (*text == '\0')
    {
      g_set_error_literal (error, PD_PRINT_QR_ERROR, PD_PRINT_QR_ERROR_ENCODE,
                           _("There is nothing to put in the QR code."));
      return NULL;
    }

  /* Byte mode with mode switching: upper-case and digit runs (declaration codes, base45) go
   * into the denser alphanumeric and numeric modes, anything else stays byte for byte. */
  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  saved_errno = errno;
  if (code == NULL)
    {
      if (saved_errno == ERANGE)
        g_set_error (error, PD_PRINT_QR_ERROR, PD_PRINT_QR_ERROR_ENCODE,
                     _("The text is too long for a QR code (%zu bytes)."), strlen (text));
      else
        g_set_error (error, PD_PRINT_QR_ERROR, PD_PRINT_QR_ERROR_ENCODE,
                     _("Cannot make the QR code: %s"), g_strerror (saved_errno));
      return NULL;
    }

  qr = g_new0 (PdPrintQr, 1);
  qr->text = g_strdup (text);
  qr->width = code->width;
  qr->modules = g_malloc (qr->width * qr->width);
  for (guint i = 0; i < qr->width * qr->width; i++)
    qr->modules[i] = code->data[i] & 1;
  QRcode_free (code);
  return qr;
}

void
pd_print_qr_free (PdPrintQr *qr)
{
  if (qr == NULL)
    return;
  g_free (qr->text);
  g_free (qr->modules);
  g_free (qr);
}

const char *
pd_print_qr_get_text (PdPrintQr *qr)
{
  g_return_val_if_fail (qr != NULL, NULL);
  return qr->text;
}

guint
pd_print_qr_get_width (PdPrintQr *qr)
{
  g_return_val_if_fail (qr != NULL, 0);
  return qr->width;
}

gboolean
pd_print_qr_get_module (PdPrintQr *qr,
                        guint      x,
                        guint      y)
{
  g_return_val_if_fail (qr != NULL, FALSE);
  g_return_val_if_fail (x < qr->width && y < qr->width, FALSE);
  return qr->modules[y * qr->width + x] != 0;
}

void
pd_print_qr_draw (PdPrintQr *qr,
                  cairo_t   *cr,
                  double     x,
                  double     y,
                  double     size)
{
  double module;

  g_return_if_fail (qr != NULL);
  g_return_if_fail (cr != NULL);

  module = size / (qr->width + 2 * PD_PRINT_QR_QUIET_ZONE);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);

  /* One rectangle per run of dark modules: no hairline seams between neighbours, and a
   * smaller file. Antialiasing would grey the edges on a raster printer. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_set_source_rgb (cr, 0, 0, 0);
  x += PD_PRINT_QR_QUIET_ZONE * module;
  y += PD_PRINT_QR_QUIET_ZONE * module;
  for (guint row = 0; row < qr->width; row++)
    {
      guint column = 0;

      while (column < qr->width)
        {
          guint start;

          if (!qr->modules[row * qr->width + column])
            {
              column++;
              continue;
            }
          start = column;
          while (column < qr->width && qr->modules[row * qr->width + column])
            column++;
          cairo_rectangle (cr, x + start * module, y + row * module,
                           (column - start) * module, module);
        }
    }
  cairo_fill (cr);
  cairo_restore (cr);
}
