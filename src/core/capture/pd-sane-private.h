/* pd-sane-private.h: the reader of what a scanner's driver sends, apart from the device, so
 * that tests/fuzz/fuzz-sane-frame.c can feed it any frame. */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <sane/sane.h>

G_BEGIN_DECLS

/* Writes one frame (a page, or one colour of a three-pass scanner) of @params, @length bytes
 * at @data, into *@pixbuf, which the first frame creates. FALSE with a PD_SANE_ERROR naming
 * @device_name for a frame Passdesk cannot read: a format or depth it does not take, lines
 * shorter than the width they claim, no whole line. */
gboolean pd_sane_frame_to_pixbuf (const SANE_Parameters  *params,
                                  const guint8           *data,
                                  gsize                   length,
                                  const char             *device_name,
                                  GdkPixbuf             **pixbuf,
                                  GError                **error);

G_END_DECLS
