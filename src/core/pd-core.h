/* pd-core.h: one call every program that links the core makes first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets up gettext (honouring $PASSDESK_LOCALEDIR for uninstalled runs and tests) and
 * libsodium. Returns FALSE only if libsodium cannot start (no entropy source). */
gboolean pd_core_init (void);

G_END_DECLS
