/* pd-camera-private.h: for the tests and benchmarks. */
#pragma once

#include "pd-camera.h"

G_BEGIN_DECLS

/* How many frames the decoding thread read since the start, and their total decoding time. */
guint pd_camera_get_decode_count (PdCamera *self,
                                  gint64   *total_usec);

G_END_DECLS
