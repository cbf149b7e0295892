/* pd-scan-input.h: scans from readers that type like a keyboard (USB QR, barcode and MRZ
 * readers in keyboard mode).
 *
 * A reader types a whole code, then Enter, far faster than a person: keys a few
 * milliseconds apart. A capture-phase key controller on the window watches the key values
 * (not the text an input method commits, so Vietnamese Telex cannot turn "DD" into "Đ") and
 * the event times:
 *
 *  - The first two keys of any sequence pass on untouched, so a person's typing, input
 *    method included, is never delayed or altered.
 *  - From the third key that follows its predecessor within max-gap milliseconds, keys are
 *    taken and kept. A burst that ends in Enter with at least min-length characters is a
 *    scan: the two keys that passed on are taken back (the focused field gets its text of
 *    before the burst back) and "scanned" is emitted with the text. MRZ readers type 2 or 3
 *    lines with Enter after each: while the text so far is an incomplete MRZ, the next line
 *    is awaited for line-gap milliseconds.
 *  - A burst that stops without Enter, or is too short, was typed (or is not a code): the
 *    keys that were taken are typed into the focused field, in order, so nothing is lost.
 *    A focused widget that is not a text field cannot receive them: they are dropped (only
 *    for three or more keys typed within max-gap of each other).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PD_TYPE_SCAN_INPUT (pd_scan_input_get_type ())
G_DECLARE_FINAL_TYPE (PdScanInput, pd_scan_input, PD, SCAN_INPUT, GObject)

/* Adds the controller to @widget (usually the window), which keeps it alive. */
PdScanInput *pd_scan_input_new        (GtkWidget       *widget);

/* The controller's "key-pressed" handler with the event's values, for the UI tests: GTK 4
 * cannot make key events. @time is the event time in milliseconds. Returns TRUE when the key
 * was taken, FALSE when GTK would deliver it to the focused widget. */
gboolean     pd_scan_input_handle_key (PdScanInput     *self,
                                       guint            keyval,
                                       GdkModifierType  state,
                                       guint32          time);
/* Ends a burst at once, as its timer would (tests). */
void         pd_scan_input_flush      (PdScanInput     *self);

G_END_DECLS
