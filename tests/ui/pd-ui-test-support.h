/* pd-ui-test-support.h: what the tests of the real window share: its window on a store of
 * their own, waiting on the main loop, painted frames, screenshots, the loop's stalls, and the
 * steps the workflow tests take on it. */
#pragma once

#include <gtk/gtk.h>

#include "capture/pd-camera.h"
#include "pd-application.h"
#include "pd-field.h"
#include "pd-store.h"
#include "pd-dossier-form.h"
#include "pd-photo-page.h"
#include "pd-queue-page.h"
#include "pd-sync-page.h"
#include "pd-window.h"

G_BEGIN_DECLS

typedef gboolean (*PdUiCondition) (gpointer data);

/* The main loop's stalls: a 1 ms timer notes how late each of its runs is, and how much CPU
 * time the main thread used meanwhile. */
typedef struct
{
  GArray *gaps;      /* gint64, µs between runs */
  gint64  last;
  gint64  last_cpu;  /* the main thread's CPU time at the last run, µs */
  gint64  last_wait; /* its time runnable but waiting for a CPU, µs */
  gint64  max_busy;
  gint64  max_gap;
  gint64  max_gap_wait;
  int     schedstat; /* /proc/thread-self/schedstat */
  guint   id;

  /* Set by pd_ui_watchdog_stop(): the longest stall; the most CPU time the main thread used
   * between two runs, which is the application's own work without the time the thread waited
   * for a CPU that other processes held, or for the X server; and how long the thread waited
   * for a CPU during the longest stall. */
  double  max_ms;
  double  busy_ms;
  double  cpu_wait_ms;
} PdUiWatchdog;

/* Where the counter's round is at when the test's own checks run (not timed, not watched). */
typedef enum {
  PD_UI_ROUND_DECLARATION_LOADED,  /* the declaration fills the form */
  PD_UI_ROUND_PHOTO_COMPLIANT,     /* every photo check passes, before Capture */
  PD_UI_ROUND_PHOTO_USED,          /* the standard photo is used, back on the form */
  PD_UI_ROUND_PRINTED,             /* accepted, slip and receipt printed, back on the queue */
} PdUiRoundStage;

typedef void (*PdUiRoundCheck) (PdUiRoundStage stage,
                                gpointer       data);

/* One citizen who declared online, from Call Next to the slip printed. */
typedef struct
{
  /* In: the declaration in the store (see pd_ui_store_declaration()) and the checks. */
  const char     *declaration_code;
  const char     *name;
  const char     *id_number;
  const char     *address;
  PdUiRoundCheck  check;
  gpointer        check_data;

  /* Out. */
  guint           actions;          /* what the officer did: keys, clicks, scans */
  double          seconds;          /* Call Next to printed, without the checks */
  double          photo_stall_ms;   /* longest stall, ID card scan (the photo page shows) to the standard photo cut */
  double          photo_busy_ms;    /* see PdUiWatchdog */
  double          photo_cpu_wait_ms;
  double          accept_stall_ms;  /* longest stall, Accept to the slip and receipt printed */
  double          accept_busy_ms;
  double          accept_cpu_wait_ms;
} PdUiRound;

void        pd_ui_set_wait_seconds (guint          seconds);
void        pd_ui_wait_until       (PdUiCondition  condition,
                                    gpointer       data,
                                    const char    *what);
void        pd_ui_wait_until_within (guint         seconds,
                                     PdUiCondition condition,
                                     gpointer      data,
                                     const char   *what);
gboolean    pd_ui_mapped           (gpointer       widget);
void        pd_ui_wait_for_frames  (GtkWidget     *widget);
const char *pd_ui_screenshot_dir   (void);
/* Into pd_ui_screenshot_dir(). */
void        pd_ui_save_screenshot  (GtkWidget     *widget,
                                    const char    *name);
void        pd_ui_save_screenshot_in (GtkWidget   *widget,
                                      const char  *dir,
                                      const char  *name);
/* The window on @db_path, of *@app, which is made and registered if NULL (a process registers
 * its application once: a second window for another store shares it). Not yet shown. */
PdWindow   *pd_ui_new_window       (const char    *db_path,
                                    PdApplication **app);
void        pd_ui_watchdog_start   (PdUiWatchdog  *dog);
/* What the test itself does meanwhile is not counted (a screenshot renders the whole window
 * and writes a PNG on the main thread). */
void        pd_ui_watchdog_pause   (PdUiWatchdog  *dog);
void        pd_ui_watchdog_resume  (PdUiWatchdog  *dog);
/* Prints the longest stall, the main thread's CPU time in one stall, its wait for a CPU in the
 * longest one and the 99th percentile, in ms, unless @what is NULL; returns the longest stall. */
double      pd_ui_watchdog_stop    (PdUiWatchdog  *dog,
                                    const char    *what);

/* The counter's round, shared by test-workflow and bench-workflow. */

/* A declaration as a sync brings it (born 15/03/1990, female), which the ID card of
 * pd_ui_counter_round() matches. */
void        pd_ui_store_declaration (PdStore      *store,
                                     const char   *name,
                                     const char   *id_number,
                                     const char   *code,
                                     const char   *address);
/* The official profile, except the synthetic faces of the photo test set open their mouths
 * a little more than the standard allows. */
void        pd_ui_use_test_photo_profile (PdWindow *window);
/* A file-backed camera on picture @name of $PASSDESK_PHOTO_TESTSET, 10 frames a second. */
void        pd_ui_show_camera_file (PdWindow      *window,
                                    const char    *name);
/* Call Next, scan the declaration code, scan the ID card, capture, use the photo, accept;
 * the slip and the receipt are confirmed in the print dialog, which the window's print
 * export folder stands in for (two more actions). Asserts that each step does what it
 * should, and fills the out part of @round. */
void        pd_ui_counter_round    (PdWindow      *window,
                                    PdUiRound     *round);

/* Typing and dialogs, for the workflow tests. */
/* A person types @text into @field of @window's form: key by key, at a typist's pace, through
 * the window's key handler (the scanner input, which lets a person's keys through) to the
 * focused field, as GTK would deliver them. */
void        pd_ui_type_into        (PdWindow      *window,
                                    PdField        field,
                                    const char    *text);
/* Choice rows are AdwComboRows, or rows around a GtkDropDown for lists found by typing
 * (provinces, communes, ethnic groups): the drop-down under @row, its list, choosing the
 * item at @position, and the label of the chosen one (nullable). */
GtkDropDown *pd_ui_row_drop_down       (GtkWidget     *row);
GListModel  *pd_ui_choice_model        (GtkWidget     *row);
void         pd_ui_choice_select       (GtkWidget     *row,
                                        guint          position);
const char  *pd_ui_choice_selected_label (GtkWidget   *row);
/* Opens @drop_down (a pd_drop_down_new()), checks that its search field has the focus, types
 * @text there, saves a screenshot of its list as @screenshot (nullable) once it is filtered,
 * presses Enter, and returns the label chosen (nullable). */
const char  *pd_ui_drop_down_type      (GtkDropDown   *drop_down,
                                        const char    *text,
                                        const char    *screenshot);
/* Chooses @value (a code: "01", "F", "first_issue") in the drop-down of @field, by its label
 * as the person sees it, and checks that the form took it. */
void        pd_ui_choose           (PdWindow      *window,
                                    PdField        field,
                                    const char    *value);
/* The message dialog shown over @parent, or NULL. */
GtkWindow  *pd_ui_find_message_dialog (GtkWindow  *parent);
/* The first visible toplevel of @type (a class or an interface), or NULL. */
GtkWindow  *pd_ui_find_toplevel    (GType          type);
/* Waits for a toplevel of @type to be on screen; returns it. */
GtkWindow  *pd_ui_wait_for_toplevel (GType         type,
                                     const char   *what);
/* The button under @root whose label is @label (with its mnemonic underscore), or NULL. */
GtkWidget  *pd_ui_find_button      (GtkWidget     *root,
                                    const char    *label);
/* A condition for pd_ui_wait_until(): whether the widget that is @data is sensitive. */
gboolean    pd_ui_sensitive        (gpointer       widget);
/* Whether a GtkLabel on screen under @widget shows exactly @text. */
gboolean    pd_ui_shows_label      (GtkWidget     *widget,
                                    const char    *text);
/* Whether a GtkLabel on screen under @widget has @part in its text. */
gboolean    pd_ui_shows_text       (GtkWidget     *widget,
                                    const char    *part);
/* A small JPEG as the photo page hands one over, for tests where the photo itself does not
 * matter (the photo paper ticks itself only when there is one). */
GBytes     *pd_ui_make_photo_jpeg  (void);

/* The first widget of @type under @root, breadth first, or NULL: how a test finds the pages
 * of a window (pd_ui_find_child (window, PD_TYPE_DOSSIER_FORM)). */
gpointer    pd_ui_find_child       (gpointer       root,
                                    GType          type);
#define pd_ui_form(window)       PD_DOSSIER_FORM (pd_ui_find_child ((window), PD_TYPE_DOSSIER_FORM))
#define pd_ui_queue_page(window) PD_QUEUE_PAGE (pd_ui_find_child ((window), PD_TYPE_QUEUE_PAGE))
#define pd_ui_sync_page(window)  PD_SYNC_PAGE (pd_ui_find_child ((window), PD_TYPE_SYNC_PAGE))
#define pd_ui_photo_page(window) PD_PHOTO_PAGE (pd_ui_find_child ((window), PD_TYPE_PHOTO_PAGE))
#define pd_ui_view_stack(window) ADW_VIEW_STACK (pd_ui_find_child ((window), ADW_TYPE_VIEW_STACK))
/* What a supervisor's confirmed scan of a station's key text does (pd_station_trust_station_key()). */
gboolean    pd_ui_trust_station_key (PdWindow     *window,
                                     const char   *text);

/* The window of the workflow tests. */

/* Conditions for pd_ui_wait_until() whose data is the PdWindow: the photo page's picture
 * passes every check and may be captured; the standard photo is cut; the form has no save or
 * lookup under way. */
gboolean    pd_ui_photo_compliant  (gpointer       window);
gboolean    pd_ui_photo_taken      (gpointer       window);
gboolean    pd_ui_form_idle        (gpointer       window);
/* A condition whose data points to where an async callback leaves its result. */
gboolean    pd_ui_pointer_set      (gpointer       data);

/* Each screenshot shows a settled window, not a page or a row halfway through its move. */
void        pd_ui_disable_animations (PdWindow    *window);
/* At 1366x768, a counter's laptop; shown, once its store is open (which must not fail). */
void        pd_ui_present_window   (PdWindow      *window);
/* The window of a station taking applications, as pd_ui_new_window() makes it: without
 * animations, the photo test set's profile (pd_ui_use_test_photo_profile()), its papers exported
 * to @print_dir, presented. */
PdWindow   *pd_ui_open_window      (const char    *db_path,
                                    PdApplication **app,
                                    const char    *print_dir);
/* Destroys *@window, if there is one, and forgets it. */
void        pd_ui_close_window     (PdWindow     **window);
const char *pd_ui_visible_page     (PdWindow      *window);
/* The last scan message (a toast) has @part in it. */
gboolean    pd_ui_message_has      (PdWindow      *window,
                                    const char    *part);
/* "win.scan-camera" with @camera in place of the first camera plugged in: returns the dialog. */
GtkWindow  *pd_ui_read_code_with_camera (PdWindow   *window,
                                         PdCamera   *camera);
/* Reopens @dossier through the window's reopener with the window's role, as @actor. */
gboolean    pd_ui_reopen           (PdWindow      *window,
                                    const char    *actor,
                                    PdDossier     *dossier,
                                    const char    *reason);
void        pd_ui_wait_for_message (PdWindow      *window,
                                    const char    *part,
                                    const char    *what);
/* Until the form holds the application of @name. */
void        pd_ui_wait_for_name    (PdWindow      *window,
                                    const char    *name,
                                    const char    *what);
/* Until @n papers in all have been printed since the window opened. */
void        pd_ui_wait_for_printed (PdWindow      *window,
                                    guint          n,
                                    const char    *what);
/* Until the queue page lists an application in @status. */
void        pd_ui_wait_for_queue_status (PdWindow *window,
                                         PdStatus  status,
                                         const char *what);

/* The photo page ("win.photo"), until the picture of the camera (pd_ui_show_camera_file())
 * passes every check. */
void        pd_ui_show_photo_page  (PdWindow      *window);
/* Capture, then use the standard photo: back on the form with it. */
void        pd_ui_use_photo        (PdWindow      *window);

/* The form's saves (its "saved" signal), watched from before the action that saves. */
typedef struct
{
  PdDossierForm *form;
  gulong         id;
  PdDossier     *saved;
} PdUiSaveWatch;

void        pd_ui_watch_saves      (PdUiSaveWatch *watch,
                                    PdWindow      *window);
/* Until the form saved; stops watching and returns what it saved (transfer full). */
PdDossier  *pd_ui_wait_for_save    (PdUiSaveWatch *watch,
                                    const char    *what);

/* One pass of the window's sync engine, as "Sync Now" runs it; it must succeed. */
PdSyncReport *pd_ui_sync_pass      (PdWindow      *window,
                                    PdSyncFlags    flags);

/* Audit entries of @action; @subject, @actor and a part of the detail narrow it when not NULL. */
guint       pd_ui_count_audit      (PdStore       *store,
                                    const char    *action,
                                    const char    *subject,
                                    const char    *actor,
                                    const char    *detail_part);

G_END_DECLS
