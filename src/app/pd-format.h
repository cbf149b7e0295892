/* pd-format.h: how the app shows and reads values (dates the Vietnamese way, masked IDs). */
#pragma once

#include <glib.h>

#include "pd-dossier.h"

G_BEGIN_DECLS

/* Reads a date typed as DD/MM/YYYY (also D/M/YYYY, with '-' or '.', or DDMMYYYY) and
 * returns it as ISO YYYY-MM-DD, or NULL when @text is not a real date. */
char *pd_format_parse_date     (const char *text);
/* ISO YYYY-MM-DD to DD/MM/YYYY; anything else is returned unchanged. */
char *pd_format_display_date   (const char *iso);
/* All but the last four digits hidden, so the queue screen does not expose ID numbers. */
char *pd_format_mask_id_number (const char *id_number);
/* Amounts in đồng as the papers print them, "200.000 đ"; and back to digits ("200000"), NULL
 * when @text is not an amount. */
char *pd_format_display_money  (const char *digits);
char *pd_format_parse_money    (const char *text);
/* Unix seconds at the start of the local day of @now. */
gint64 pd_format_start_of_day  (GDateTime *now);

/* How to reach the citizen of @dossier, as the officer reads it out to call them back:
 * phone, e-mail, and the current address (the permanent one when there is none). */
char *pd_format_contact        (PdDossier  *dossier);
/* What the central system said about the rejected @dossier: the reason and how to reach the
 * citizen, on two lines. */
char *pd_format_rejection      (PdDossier  *dossier);

G_END_DECLS
