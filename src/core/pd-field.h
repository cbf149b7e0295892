/* pd-field.h: the fields of a TK01/TK01a declaration and intake record.
 *
 * One table describes every field so that the JSON format, the store, the
 * validation and the form are all driven by the same list.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PD_FIELD_INVALID = -1,

  /* The person (TK01 items 1-7, TK01a part B) */
  PD_FIELD_FULL_NAME,
  PD_FIELD_SEX,
  PD_FIELD_BIRTH_DATE,
  PD_FIELD_BIRTH_PROVINCE,
  PD_FIELD_BIRTH_COUNTRY,
  PD_FIELD_ID_NUMBER,
  PD_FIELD_ETHNIC_GROUP,
  PD_FIELD_RELIGION,
  PD_FIELD_PHONE,
  PD_FIELD_EMAIL,

  /* Addresses (items 8-10) */
  PD_FIELD_PERMANENT_ADDRESS,
  PD_FIELD_PERMANENT_PROVINCE,
  PD_FIELD_PERMANENT_COMMUNE,
  PD_FIELD_TEMPORARY_ADDRESS,
  PD_FIELD_TEMPORARY_PROVINCE,
  PD_FIELD_TEMPORARY_COMMUNE,
  PD_FIELD_CURRENT_ADDRESS,
  PD_FIELD_CURRENT_PROVINCE,
  PD_FIELD_CURRENT_COMMUNE,

  /* Work (items 11-12) */
  PD_FIELD_OCCUPATION,
  PD_FIELD_EMPLOYER_NAME,
  PD_FIELD_EMPLOYER_ADDRESS,

  /* Family (item 13) */
  PD_FIELD_FATHER_NAME,
  PD_FIELD_FATHER_BIRTH_DATE,
  PD_FIELD_MOTHER_NAME,
  PD_FIELD_MOTHER_BIRTH_DATE,
  PD_FIELD_SPOUSE_NAME,
  PD_FIELD_SPOUSE_BIRTH_DATE,

  /* Previous passport (item 14) */
  PD_FIELD_PREV_PASSPORT_NUMBER,
  PD_FIELD_PREV_PASSPORT_ISSUE_DATE,

  /* Refund account (item 15) */
  PD_FIELD_BANK_ACCOUNT_NUMBER,
  PD_FIELD_BANK_ACCOUNT_HOLDER,
  PD_FIELD_BANK_NAME,

  /* Request (item 16, online extras) */
  PD_FIELD_REQUEST_TYPE,
  PD_FIELD_REQUEST_REASON,
  PD_FIELD_CHIP,
  PD_FIELD_DELIVERY,

  /* Legal representative (TK01a part A; also for people without legal capacity) */
  PD_FIELD_REP_NAME,
  PD_FIELD_REP_BIRTH_DATE,
  PD_FIELD_REP_SEX,
  PD_FIELD_REP_ID_NUMBER,
  PD_FIELD_REP_ID_ISSUE_DATE,
  PD_FIELD_REP_ADDRESS,
  PD_FIELD_REP_PHONE,
  PD_FIELD_REP_RELATIONSHIP,

  /* Intake at the office */
  PD_FIELD_DECLARATION_CODE,
  PD_FIELD_OFFICE_CODE,
  PD_FIELD_COUNTER,
  PD_FIELD_OFFICER,
  PD_FIELD_QUEUE_NUMBER,
  PD_FIELD_FEE_CODE,
  PD_FIELD_FEE_AMOUNT,
  PD_FIELD_APPOINTMENT_DATE,

  PD_N_FIELDS
} PdField;

typedef enum {
  PD_FIELD_GROUP_PERSON,
  PD_FIELD_GROUP_ADDRESS,
  PD_FIELD_GROUP_WORK,
  PD_FIELD_GROUP_FAMILY,
  PD_FIELD_GROUP_PASSPORT,
  PD_FIELD_GROUP_REFUND,
  PD_FIELD_GROUP_REQUEST,
  PD_FIELD_GROUP_REPRESENTATIVE,
  PD_FIELD_GROUP_INTAKE,
  PD_N_FIELD_GROUPS
} PdFieldGroup;

typedef enum {
  PD_FIELD_KIND_TEXT,
  PD_FIELD_KIND_NAME,         /* a person's name: letters, spaces, NFC */
  PD_FIELD_KIND_DATE,         /* ISO 8601 YYYY-MM-DD */
  PD_FIELD_KIND_ID_NUMBER,    /* 12-digit personal identification number */
  PD_FIELD_KIND_PHONE,
  PD_FIELD_KIND_EMAIL,
  PD_FIELD_KIND_SEX,          /* "M" or "F" */
  PD_FIELD_KIND_PROVINCE,     /* 2-digit code from reference data */
  PD_FIELD_KIND_COMMUNE,      /* 5-digit code from reference data */
  PD_FIELD_KIND_ETHNIC_GROUP, /* code from reference data */
  PD_FIELD_KIND_CHOICE,       /* one of PdFieldInfo.choices */
  PD_FIELD_KIND_NUMBER,       /* non-negative integer */
} PdFieldKind;

typedef struct {
  const char *value;  /* stored value */
  const char *label;  /* untranslated; use pd_field_choice_label() */
} PdFieldChoice;

typedef struct {
  PdField              field;
  const char          *key;        /* JSON key, snake_case */
  const char          *label;      /* untranslated; use pd_field_label() */
  PdFieldGroup         group;
  PdFieldKind          kind;
  gboolean             personal;   /* sealed at rest, purged by retention */
  const PdFieldChoice *choices;    /* NULL-terminated, for PD_FIELD_KIND_CHOICE and SEX */
  PdField              province;   /* for a COMMUNE field: its PROVINCE field */
} PdFieldInfo;

const PdFieldInfo *pd_field_get_info          (PdField       field);
PdField            pd_field_from_key          (const char   *key);
const char        *pd_field_get_key           (PdField       field);
const char        *pd_field_get_label         (PdField       field);
const char        *pd_field_group_get_label   (PdFieldGroup  group);
const char        *pd_field_choice_label      (PdField       field,
                                               const char   *value);
gboolean           pd_field_is_personal       (PdField       field);

G_END_DECLS
