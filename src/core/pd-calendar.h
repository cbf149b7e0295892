/* pd-calendar.h: working days at a Vietnamese public office, and processing times.
 *
 * Working days are Monday to Friday, less the public holidays, plus the Saturdays that are
 * worked in exchange for a day off. Holidays come from data (data/calendar/holidays-vn.csv),
 * because Tết and the days around 2/9 are decided each year; so do the processing times
 * (data/calendar/processing-times.ini).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  PD_CALENDAR_DAY_HOLIDAY,        /* a public holiday */
  PD_CALENDAR_DAY_COMPENSATORY,   /* off because a holiday fell on a weekend */
  PD_CALENDAR_DAY_SWAP_OFF,       /* a working day given off in exchange for a Saturday */
  PD_CALENDAR_DAY_WORKDAY,        /* a Saturday or Sunday worked in exchange */
} PdCalendarDayKind;

typedef struct {
  GDate              date;
  char              *name;
  PdCalendarDayKind  kind;
  gboolean           verified;    /* FALSE: an estimate, or not checked against the notice */
  char              *note;        /* nullable */
} PdCalendarDay;

typedef enum {
  PD_PROCESSING_PROVINCIAL,       /* a provincial office (Phòng Quản lý xuất nhập cảnh) */
  PD_PROCESSING_CENTRAL,          /* the Cục Quản lý xuất nhập cảnh */
  PD_PROCESSING_URGENT,
  PD_N_PROCESSING
} PdProcessing;

#define PD_CALENDAR_ERROR (pd_calendar_error_quark ())
typedef enum {
  PD_CALENDAR_ERROR_PARSE,
  PD_CALENDAR_ERROR_MISSING,
} PdCalendarError;
GQuark pd_calendar_error_quark (void);

#define PD_TYPE_CALENDAR (pd_calendar_get_type ())
G_DECLARE_FINAL_TYPE (PdCalendar, pd_calendar, PD, CALENDAR, GObject)

/* Weekends only, and the processing times of the law (8, 5, 3). */
PdCalendar   *pd_calendar_new                    (void);
/* $PASSDESK_DATA_DIR/calendar, else PKGDATADIR/calendar, else the source tree's data/calendar. */
const char   *pd_calendar_get_default_directory  (void);
/* Reads holidays-vn.csv and processing-times.ini from @directory; both must be there. */
PdCalendar   *pd_calendar_new_from_directory     (const char    *directory,
                                                  GError       **error);
/* Replaces the days with the CSV @text (date,name,kind,status,note; '#' starts a comment). */
gboolean      pd_calendar_load_days              (PdCalendar    *self,
                                                  const char    *text,
                                                  gssize         length,
                                                  GError       **error);
/* Reads the [processing] group: provincial, central, urgent (working days, 1 to 60). */
gboolean      pd_calendar_load_processing        (PdCalendar    *self,
                                                  const char    *text,
                                                  gssize         length,
                                                  GError       **error);

gboolean      pd_calendar_is_working_day         (PdCalendar    *self,
                                                  const GDate   *date);
/* (nullable): the row of @date in the data, if any. */
const PdCalendarDay *pd_calendar_lookup          (PdCalendar    *self,
                                                  const GDate   *date);
/* The @n-th working day after @start (@start itself is not counted; @n 0 gives @start). */
GDate         pd_calendar_add_working_days       (PdCalendar    *self,
                                                  const GDate   *start,
                                                  guint          n);
/* Whether every day after @start up to @end is covered by verified data: FALSE when an
 * unverified row lies in between, or when the data does not reach @end's year at all. */
gboolean      pd_calendar_is_range_verified      (PdCalendar    *self,
                                                  const GDate   *start,
                                                  const GDate   *end);
/* The last year the data has a row for (0 when none). */
guint         pd_calendar_get_last_year          (PdCalendar    *self);

guint         pd_calendar_get_processing_days    (PdCalendar    *self,
                                                  PdProcessing   processing);
/* The date a passport accepted on @accepted will be ready. */
GDate         pd_calendar_get_ready_date         (PdCalendar    *self,
                                                  const GDate   *accepted,
                                                  PdProcessing   processing);
/* "provincial", "central", "urgent"; and back (PD_N_PROCESSING when unknown). */
const char   *pd_processing_to_string            (PdProcessing   processing);
PdProcessing  pd_processing_from_string          (const char    *text);

G_END_DECLS
