/* pd-language.h: the language of the interface, chosen before anything is translated. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The values of the "language" setting. */
#define PD_LANGUAGE_VIETNAMESE "vi"
#define PD_LANGUAGE_ENGLISH    "en"
#define PD_LANGUAGE_SYSTEM     "system"

/* Applies the "language" preference of @settings, or PASSDESK_LANGUAGE when it is set (for
 * kiosks and tests). Call once at start-up, after pd_core_init() and before the first
 * translated string; a change of the preference takes effect at the next start. Returns the
 * language applied. */
const char *pd_language_apply (GSettings *settings);

G_END_DECLS
