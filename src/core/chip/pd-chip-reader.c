/* pd-chip-reader.c: PC/SC (pcsc-lite) readers and cards, with errors an officer can act on. */
#define G_LOG_DOMAIN "pd-chip"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <PCSC/winscard.h>
#include <PCSC/pcsclite.h>

#include "pd-chip-reader.h"

#define PNP_READER "\\\\?PnP?\\Notification"

struct _PdChipReader {
  GObject       parent_instance;
  SCARDCONTEXT  context;
  SCARDHANDLE   card;
  gboolean      connected;
  DWORD         protocol;
  GBytes       *atr;
  guint         apdu_count;
};

G_DEFINE_FINAL_TYPE (PdChipReader, pd_chip_reader, G_TYPE_OBJECT)

static void
pd_chip_reader_finalize (GObject *object)
{
  PdChipReader *self = PD_CHIP_READER (object);

  pd_chip_reader_disconnect (self);
  if (self->context != 0)
    SCardReleaseContext (self->context);
  G_OBJECT_CLASS (pd_chip_reader_parent_class)->finalize (object);
}

static void
pd_chip_reader_class_init (PdChipReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pd_chip_reader_finalize;
}

static void
pd_chip_reader_init (PdChipReader *self)
{
}

/* Every PC/SC failure becomes one of a few errors, each with what to do next. */
static gboolean
check (LONG         rv,
       GError     **error)
{
  if (rv == SCARD_S_SUCCESS)
    return TRUE;
  g_debug ("PC/SC: %s (0x%08lx)", pcsc_stringify_error (rv), (unsigned long) rv);
  switch (rv)
    {
    case SCARD_E_CANCELLED:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The reading was cancelled."));
      break;
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_NO_SERVICE,
                           _("The smart card service (pcscd) is not running. Start it, or ask "
                             "for it to be installed, then read the card again."));
      break;
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_NO_READER,
                           _("No card reader is connected. Plug the reader in and try again."));
      break;
    case SCARD_E_TIMEOUT:
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_NO_CARD,
                           _("No card was put on the reader. Lay the card flat on the reader "
                             "and try again."));
      break;
    case SCARD_W_REMOVED_CARD:
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_RESET_CARD:
    case SCARD_W_UNPOWERED_CARD:
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_E_NOT_TRANSACTED:
    case SCARD_E_COMM_DATA_LOST:
    case SCARD_F_COMM_ERROR:
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_REMOVED,
                           _("The card was taken off the reader before it was read. Put it back "
                             "and keep it still until the reading is done."));
      break;
    default:
      g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_FAILED,
                   _("The card reader failed (%s). Unplug the reader, plug it in again and "
                     "read the card again."), pcsc_stringify_error (rv));
      break;
    }
  return FALSE;
}

PdChipReader *
pd_chip_reader_new (GError **error)
{
  g_autoptr(PdChipReader) self = g_object_new (PD_TYPE_CHIP_READER, NULL);

  if (!check (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &self->context), error))
    {
      self->context = 0;
      return NULL;
    }
  return g_steal_pointer (&self);
}

char **
pd_chip_reader_list (PdChipReader  *self,
                     GError       **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *names = NULL;
  DWORD length = 0;
  LONG rv;

  g_return_val_if_fail (PD_IS_CHIP_READER (self), NULL);

  rv = SCardListReaders (self->context, NULL, NULL, &length);
  if (rv == SCARD_S_SUCCESS && length > 0)
    {
      names = g_malloc0 (length + 1);
      rv = SCardListReaders (self->context, NULL, names, &length);
    }
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    return g_strv_builder_end (builder);
  if (!check (rv, error))
    return NULL;
  for (const char *p = names; p != NULL && *p; p += strlen (p) + 1)
    g_strv_builder_add (builder, p);
  return g_strv_builder_end (builder);
}

static void
cancel_wait (GCancellable *cancellable,
             gpointer      user_data)
{
  PdChipReader *self = user_data;

  SCardCancel (self->context);
}

/* The milliseconds left before @deadline (monotonic µs), INFINITE when there is none. */
static DWORD
remaining_ms (gint64 deadline)
{
  gint64 left;

  if (deadline == 0)
    return INFINITE;
  left = (deadline - g_get_monotonic_time ()) / 1000;
  return left > 0 ? (DWORD) left : 0;
}

char *
pd_chip_reader_wait_card (PdChipReader  *self,
                          const char    *reader_name,
                          guint          timeout_ms,
                          GCancellable  *cancellable,
                          GError       **error)
{
  gint64 deadline = timeout_ms > 0 ? g_get_monotonic_time () + (gint64) timeout_ms * 1000 : 0;
  gulong handler = 0;
  char *found = NULL;
  gboolean any_reader = FALSE;

  g_return_val_if_fail (PD_IS_CHIP_READER (self), NULL);

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_wait), self, NULL);

  while (found == NULL)
    {
      g_auto(GStrv) readers = NULL;
      g_autofree SCARD_READERSTATE *states = NULL;
      guint n = 0;
      LONG rv;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      readers = pd_chip_reader_list (self, error);
      if (readers == NULL)
        break;
      states = g_new0 (SCARD_READERSTATE, g_strv_length (readers) + 1);
      for (guint i = 0; readers[i] != NULL; i++)
        if (reader_name == NULL || g_str_equal (readers[i], reader_name))
          {
            states[n].szReader = readers[i];
            states[n].dwCurrentState = SCARD_STATE_UNAWARE;
            n++;
          }
      any_reader |= n > 0;
      /* The notification pseudo-reader wakes the wait when a reader is plugged in or out. */
      states[n].szReader = PNP_READER;
      states[n].dwCurrentState = SCARD_STATE_UNAWARE;

      /* The first call reports each reader's state at once; later ones wait for a change. */
      for (;;)
        {
          gboolean readers_changed = FALSE;

          rv = SCardGetStatusChange (self->context, remaining_ms (deadline), states, n + 1);
          if (rv == SCARD_E_TIMEOUT && !any_reader)
            rv = SCARD_E_NO_READERS_AVAILABLE;
          if (rv == SCARD_E_TIMEOUT && reader_name != NULL && n == 0)
            rv = SCARD_E_UNKNOWN_READER;
          if (!check (rv, error))
            goto out;
          for (guint i = 0; i < n; i++)
            if ((states[i].dwEventState & SCARD_STATE_PRESENT) &&
                !(states[i].dwEventState & SCARD_STATE_MUTE))
              {
                found = g_strdup (states[i].szReader);
                goto out;
              }
          for (guint i = 0; i <= n; i++)
            {
              readers_changed |= (states[i].dwEventState & SCARD_STATE_UNKNOWN) != 0 ||
                                 (i == n && (states[i].dwEventState & SCARD_STATE_CHANGED) &&
                                  states[i].dwCurrentState != SCARD_STATE_UNAWARE);
              states[i].dwCurrentState = states[i].dwEventState & ~SCARD_STATE_CHANGED;
            }
          if (readers_changed)
            break;
          if (deadline != 0 && remaining_ms (deadline) == 0)
            {
              check (n == 0 ? (reader_name != NULL ? SCARD_E_UNKNOWN_READER
                                                   : SCARD_E_NO_READERS_AVAILABLE)
                            : SCARD_E_TIMEOUT, error);
              goto out;
            }
        }
    }

out:
  g_cancellable_disconnect (cancellable, handler);
  return found;
}

typedef struct {
  char  *reader_name;
  guint  timeout_ms;
} WaitData;

static void
wait_data_free (WaitData *data)
{
  g_free (data->reader_name);
  g_free (data);
}

static void
wait_card_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  WaitData *data = task_data;
  GError *error = NULL;
  char *name = pd_chip_reader_wait_card (source_object, data->reader_name, data->timeout_ms,
                                         cancellable, &error);

  if (name == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, name, g_free);
}

void
pd_chip_reader_wait_card_async (PdChipReader        *self,
                                const char          *reader_name,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  WaitData *data = g_new0 (WaitData, 1);

  g_task_set_source_tag (task, pd_chip_reader_wait_card_async);
  data->reader_name = g_strdup (reader_name);
  data->timeout_ms = timeout_ms;
  g_task_set_task_data (task, data, (GDestroyNotify) wait_data_free);
  g_task_run_in_thread (task, wait_card_thread);
}

char *
pd_chip_reader_wait_card_finish (PdChipReader  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
pd_chip_reader_connect (PdChipReader  *self,
                        const char    *reader_name,
                        GError       **error)
{
  guint8 atr[MAX_ATR_SIZE];
  DWORD atr_length = sizeof atr;
  DWORD state, protocol, name_length = 0;

  g_return_val_if_fail (PD_IS_CHIP_READER (self), FALSE);

  pd_chip_reader_disconnect (self);
  if (!check (SCardConnect (self->context, reader_name, SCARD_SHARE_EXCLUSIVE,
                            SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, &self->card, &self->protocol),
              error))
    return FALSE;
  self->connected = TRUE;
  self->apdu_count = 0;
  if (!check (SCardStatus (self->card, NULL, &name_length, &state, &protocol, atr, &atr_length),
              error))
    {
      pd_chip_reader_disconnect (self);
      return FALSE;
    }
  self->atr = g_bytes_new (atr, atr_length);
  return TRUE;
}

GBytes *
pd_chip_reader_get_atr (PdChipReader *self)
{
  g_return_val_if_fail (PD_IS_CHIP_READER (self), NULL);
  return self->atr != NULL ? g_bytes_ref (self->atr) : NULL;
}

guint
pd_chip_reader_get_apdu_count (PdChipReader *self)
{
  g_return_val_if_fail (PD_IS_CHIP_READER (self), 0);
  return self->apdu_count;
}

static gboolean
transmit_once (PdChipReader  *self,
               const guint8  *apdu,
               gsize          length,
               GByteArray    *response,
               GError       **error)
{
  const SCARD_IO_REQUEST *pci = self->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  DWORD received = MAX_BUFFER_SIZE_EXTENDED;

  self->apdu_count++;
  g_byte_array_set_size (response, MAX_BUFFER_SIZE_EXTENDED);
  if (!check (SCardTransmit (self->card, pci, apdu, length, NULL, response->data, &received), error))
    return FALSE;
  g_byte_array_set_size (response, received);
  /* No answer at all is what a card gives as it leaves the field mid-command (vpcd says so
   * when its card hangs up). */
  if (received < 2)
    return check (SCARD_W_REMOVED_CARD, error);
  return TRUE;
}

GBytes *
pd_chip_reader_transmit (PdChipReader  *self,
                         const guint8  *apdu,
                         gsize          length,
                         GError       **error)
{
  g_autoptr(GByteArray) response = g_byte_array_new ();
  g_autoptr(GByteArray) data = g_byte_array_new ();

  g_return_val_if_fail (PD_IS_CHIP_READER (self), NULL);

  if (!self->connected)
    {
      check (SCARD_E_NO_SMARTCARD, error);
      return NULL;
    }
  if (!transmit_once (self, apdu, length, response, error))
    return NULL;
  /* T=0 cards say "61xx: xx more bytes" and wait for GET RESPONSE; a bounded number, so that
   * a card that keeps saying it does not keep the reading going. */
  for (guint rounds = 0; response->data[response->len - 2] == 0x61; rounds++)
    {
      guint8 get_response[5] = { apdu[0] & 0x03, 0xC0, 0, 0, response->data[response->len - 1] };

      if (rounds == 256)
        {
          g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER,
                               _("The card kept answering without end. Take it off the reader, "
                                 "put it back and read it again."));
          return NULL;
        }
      g_byte_array_append (data, response->data, response->len - 2);
      if (!transmit_once (self, get_response, sizeof get_response, response, error))
        return NULL;
    }
  g_byte_array_append (data, response->data, response->len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

void
pd_chip_reader_disconnect (PdChipReader *self)
{
  g_return_if_fail (PD_IS_CHIP_READER (self));

  /* A reset ends the chip's secure messaging session: the next reading starts afresh and no
   * one else can go on with this one's keys. */
  if (self->connected)
    SCardDisconnect (self->card, SCARD_RESET_CARD);
  self->connected = FALSE;
  g_clear_pointer (&self->atr, g_bytes_unref);
}
