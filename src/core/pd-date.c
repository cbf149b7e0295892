/* pd-date.c: the officer's dates: today, and the day of a moment, in local time. */
#define G_LOG_DOMAIN "pd-date"

#include "config.h"

#include "pd-date.h"

void
pd_date_set_from_date_time (GDate     *date,
                            GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) g_date_time_get_day_of_month (local),
                  (GDateMonth) g_date_time_get_month (local),
                  (GDateYear) g_date_time_get_year (local));
}

void
pd_date_set_today (GDate *date)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  pd_date_set_from_date_time (date, now);
}
