/* pd-date.h: the officer's dates: today, and the day of a moment, in local time. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets @date to today's local date. */
void pd_date_set_today          (GDate     *date);
/* Sets @date to the local day of @time. */
void pd_date_set_from_date_time (GDate     *date,
                                 GDateTime *time);

G_END_DECLS
