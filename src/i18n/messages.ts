import type { Activity, ART_46_ROUTES, ART_49_DEROGATIONS, SCC_MODULES } from "../domain/annex";
import type { Classification, Lang } from "../domain/countries";
import type { RegistrationScheme } from "../domain/registration";

export type { Lang };

/** The languages of the annex document: Danish, Swedish, English (the words of docs/glossary.md). */
export const LANGS = ["da", "sv", "en"] as const satisfies readonly Lang[];

/** The locale whose conventions Intl uses for each language (dates: 22.11.2026 / 2026-11-22 / 22 November 2026). */
export const LOCALES: Record<Lang, string> = { da: "da-DK", sv: "sv-SE", en: "en-GB" };

type Derogation = (typeof ART_49_DEROGATIONS)[number];
type SccModule = (typeof SCC_MODULES)[number];
type Art46Route = (typeof ART_46_ROUTES)[number];
type Authorisation = "specific" | "general";

/**
 * Every label of the annex document, in one shape for every language: a key missing (or
 * misspelt) in one language is a type error. Terms follow the domain words of docs/glossary.md; the
 * sub-processor columns follow Datatilsynet's standard clauses, Appendix B.
 */
export interface Messages {
  /** how Intl formats a date in this language */
  date_format: Intl.DateTimeFormatOptions;
  document_title: string;
  agreement: string;
  agreement_reference: string;
  agreement_id: string;
  annex_version: string;
  in_force_from: string;
  authorisation_label: string;
  authorisation: Record<Authorisation, string>;
  third_country_label: string;
  yes: string;
  no: string;
  parties: string;
  role: string;
  controller: string;
  processor: string;
  sub_processors: string;
  no_sub_processors: string;
  locations: string;
  no_locations: string;
  change_history: string;
  /** the columns of the sub-processor table: Appendix B's four, then ours */
  col_name: string;
  col_registration: string;
  col_address: string;
  col_description: string;
  col_processing_locations: string;
  col_classification: string;
  col_transfer_basis: string;
  col_engaged_by: string;
  /** the columns of the location table */
  col_location: string;
  col_activities: string;
  /** the columns of the change history */
  col_version: string;
  col_effective_date: string;
  col_change: string;
  col_how_decided: string;
  baseline: string;
  how_baseline: string;
  how_approved: (controller: string, date: string, notice: string) => string;
  how_deemed: (date: string, notice: string) => string;
  how_noticed: string;
  notice_period_label: string;
  notice_days: (days: number) => string;
  instruction_label: string;
  instruction: Record<"prohibited" | "with_transfer_mechanism", string>;
  terms_version: (version: number) => string;
  terms_history: string;
  baseline_terms: string;
  not_applicable: string;
  classification: Record<Classification, string>;
  activity: Record<Activity, string>;
  registration_scheme: Record<RegistrationScheme, string>;
  sccs: (module: SccModule) => string;
  bcr: string;
  bcr_processor: string;
  bcr_controller: string;
  art_46: Record<Art46Route, string>;
  art_49_warning: string;
  /** GDPR Art. 49(1), point `letter` (a–g), with the derogation's name */
  art_49: (letter: string, derogation: string) => string;
  derogation: Record<Derogation, string>;
  adequacy_decision: string;
  dpf: string;
  dates_note: string;
  console: ConsoleMessages;
}


/** The decision console's words (src/features/console): the same terms as the annex document. */
export interface ConsoleMessages {
  title: string;
  skip_to_content: string;
  nav_label: string;
  nav_inbox: string;
  nav_requests: string;
  language: string;
  sign_in: string;
  sign_in_intro: string;
  api_key: string;
  api_key_hint: string;
  sign_in_failed: string;
  operator_cannot_sign_in: string;
  sign_out: string;
  signed_in_as: (org: string) => string;
  read_only: string;
  inbox_title: string;
  inbox_empty: string;
  col_agreement: string;
  col_processor: string;
  col_controller: string;
  col_notice_ends: string;
  col_days_left: string;
  col_flags: string;
  col_state: string;
  col_decided: string;
  days_left: (n: number) => string;
  badge_overdue: string;
  badge_third_country: string;
  badge_conflict: string;
  open: string;
  decision_title: string;
  change: string;
  processor_reason: string;
  notice_ends: string;
  effective_date: string;
  effective_on_approval: string;
  state_label: string;
  state: Record<import("../domain/decisions").DecisionState, string>;
  added: string;
  removed: string;
  changed: string;
  no_changes: string;
  preview_unavailable: string;
  field: string;
  before: string;
  after: string;
  approve: string;
  approve_comment: string;
  conflict_explainer: (instruction: string) => string;
  amend_instruction: string;
  amendment_reason: string;
  amendment_reason_required: string;
  terms_history: string;
  notice_explainer: string;
  object: string;
  objection_reason: string;
  objection_explainer: string;
  objection_reason_required: string;
  comment: string;
  decided_at: string;
  final_note: string;
  agreement_title: string;
  current_annex: string;
  open_document: string;
  versions: string;
  past_decisions: string;
  no_decisions: string;
  not_active: string;
  requests_title: string;
  requests_empty: string;
  submitted: string;
  withdraw: string;
  withdraw_label: (id: string) => string;
  not_found_title: string;
  not_found: string;
  forbidden_title: string;
  forbidden: string;
  conflict: string;
}

const moduleNumber = (m: SccModule) => m.slice("module_".length);

const da: Messages = {
  date_format: { day: "numeric", month: "long", year: "numeric" },
  document_title: "Bilag 2 – Oplysninger om lokationer for behandling og underleverandører (underdatabehandlere)",
  agreement: "Databehandleraftale",
  agreement_reference: "Den dataansvarliges reference",
  agreement_id: "Aftale-id",
  annex_version: "Bilagets version",
  in_force_from: "Gældende fra",
  authorisation_label: "Godkendelse af underdatabehandlere",
  authorisation: { specific: "Forudgående specifik skriftlig godkendelse", general: "Generel skriftlig godkendelse" },
  third_country_label: "Overførsel til tredjeland",
  yes: "Ja",
  no: "Nej",
  parties: "Parter",
  role: "Rolle",
  controller: "Dataansvarlig",
  processor: "Databehandler",
  sub_processors: "Godkendte underdatabehandlere",
  no_sub_processors: "Der anvendes ingen underdatabehandlere.",
  locations: "Lokaliteter for behandling",
  no_locations: "Der er ikke angivet lokaliteter for behandling.",
  change_history: "Ændringshistorik",
  col_name: "Navn",
  col_registration: "CVR-nr.",
  col_address: "Adresse",
  col_description: "Beskrivelse af behandling",
  col_processing_locations: "Behandlingssteder",
  col_classification: "Klassifikation",
  col_transfer_basis: "Overførselsgrundlag",
  col_engaged_by: "Anvendt af",
  col_location: "Lokalitet",
  col_activities: "Aktiviteter",
  col_version: "Version",
  col_effective_date: "Ikrafttrædelsesdato",
  col_change: "Ændring",
  col_how_decided: "Sådan blev den godkendt",
  baseline: "Oprindeligt bilag",
  how_baseline: "Aftalens oprindelige bilag",
  how_approved: (controller, date, notice) => `Godkendt af ${controller} ${date}${notice ? ` (varsel ${notice})` : ""}`,
  how_deemed: (date, notice) => `Anset som godkendt ved varslets udløb ${date}${notice ? ` (varsel ${notice})` : ""}`,
  how_noticed: "Meddelelse: fjernelse eller rettelse, kræver ingen godkendelse",
  notice_period_label: "Varsel ved ændringer",
  notice_days: (days) => `${days} dage`,
  instruction_label: "Instruks om overførsel til tredjelande",
  instruction: { prohibited: "Databehandleren må ikke overføre personoplysninger til tredjelande", with_transfer_mechanism: "Overførsel til tredjelande med gyldigt overførselsgrundlag" },
  terms_version: (v) => `vilkår version ${v}`,
  terms_history: "Instruks og vilkår",
  baseline_terms: "Aftalens oprindelige vilkår",
  not_applicable: "Ikke relevant",
  classification: { eu_eea: "EU/EØS", adequacy: "Tredjeland med tilstrækkelighedsafgørelse", third_country: "Tredjeland uden tilstrækkelighedsafgørelse" },
  activity: {
    hosting: "Hosting",
    storage: "Opbevaring",
    backup: "Backup",
    disaster_recovery: "Nødgendannelse",
    support: "Support",
    operations: "Drift",
    development: "Udvikling",
    other: "Andet",
  },
  registration_scheme: {
    dk_cvr: "CVR",
    se_orgnr: "org.nr., Sverige",
    no_orgnr: "org.nr., Norge",
    fi_ytunnus: "Y-tunnus, Finland",
    gb_crn: "selskabsnr., Storbritannien",
    de_hr: "Handelsregister, Tyskland",
    eu_vat: "EU-momsnr.",
    us_ein: "EIN, USA",
    lei: "LEI",
    other: "andet register",
  },
  sccs: (m) => `Standardkontraktbestemmelser (2021/914), modul ${moduleNumber(m)}`,
  bcr: "Bindende virksomhedsregler (BCR)",
  bcr_processor: "Bindende virksomhedsregler for databehandlere (BCR-P)",
  bcr_controller: "Bindende virksomhedsregler for dataansvarlige (BCR-C)",
  art_46: {
    "2a_public_authority_instrument": "Retligt bindende instrument mellem offentlige myndigheder, art. 46, stk. 2, litra a",
    "2d_supervisory_authority_clauses": "Standardbestemmelser vedtaget af en tilsynsmyndighed, art. 46, stk. 2, litra d",
    "2e_code_of_conduct": "Godkendt adfærdskodeks, art. 46, stk. 2, litra e",
    "2f_certification": "Godkendt certificeringsmekanisme, art. 46, stk. 2, litra f",
    "3a_authorised_contractual_clauses": "Godkendte kontraktbestemmelser, art. 46, stk. 3, litra a",
    "3b_administrative_arrangement": "Administrativ ordning mellem offentlige myndigheder, art. 46, stk. 3, litra b",
  },
  art_49_warning: "kun egnet til lejlighedsvise overførsler",
  art_49: (letter, d) => `Undtagelse, art. 49, stk. 1, litra ${letter} (${d})`,
  derogation: {
    explicit_consent: "udtrykkeligt samtykke",
    contract_performance: "opfyldelse af en kontrakt med den registrerede",
    contract_in_interest_of_data_subject: "kontrakt i den registreredes interesse",
    public_interest: "vigtige samfundsinteresser",
    legal_claims: "retskrav",
    vital_interests: "vitale interesser",
    public_register: "offentligt register",
  },
  adequacy_decision: "Tilstrækkelighedsafgørelse (art. 45)",
  dpf: "EU-US Data Privacy Framework (2023/1795)",
  dates_note: "Datoer er angivet i UTC.",
  console: {
    title: "Beslutningskonsol",
    skip_to_content: "Spring til indhold",
    nav_label: "Hovedmenu",
    nav_inbox: "Indbakke",
    nav_requests: "Ændringsanmodninger",
    language: "Sprog",
    sign_in: "Log ind",
    sign_in_intro: "Indsæt en API-nøgle for din organisation. Nøglen bruges kun til at starte en session og gemmes ikke i browseren.",
    api_key: "API-nøgle",
    api_key_hint: "Begynder med sk_live_",
    sign_in_failed: "Nøglen er ukendt, tilbagekaldt eller udløbet.",
    operator_cannot_sign_in: "Operatørnøglen kan ikke logge ind i konsollen; brug en organisations nøgle.",
    sign_out: "Log ud",
    signed_in_as: (org) => `Logget ind som ${org}`,
    read_only: "Skrivebeskyttet: nøglen kan kun læse.",
    inbox_title: "Ændringer der afventer din beslutning",
    inbox_empty: "Ingen ændringer afventer din beslutning.",
    col_agreement: "Aftale",
    col_processor: "Databehandler",
    col_controller: "Dataansvarlig",
    col_notice_ends: "Varslingsfrist udløber",
    col_days_left: "Dage tilbage",
    col_flags: "Markeringer",
    col_state: "Status",
    col_decided: "Besluttet",
    days_left: (n) => (n === 1 ? "1 dag" : `${n} dage`),
    badge_overdue: "overskredet",
    badge_third_country: "medfører overførsel til tredjeland",
    badge_conflict: "i strid med instruks",
    open: "Åbn",
    decision_title: "Ændring til beslutning",
    change: "Ændringen af bilaget",
    processor_reason: "Databehandlerens begrundelse",
    notice_ends: "Varslingsfrist udløber",
    effective_date: "Ikrafttrædelsesdato",
    effective_on_approval: "Ved godkendelse",
    state_label: "Status",
    state: { pending: "afventer", approved: "godkendt", objected: "indsigelse", withdrawn: "trukket tilbage", deemed_approved: "anset som godkendt", noticed: "meddelt (kræver ingen godkendelse)" },
    added: "Tilføjes",
    removed: "Fjernes",
    changed: "Ændres",
    no_changes: "Ingen ændringer af denne type.",
    preview_unavailable: "Ændringen kan ikke længere vises mod det gældende bilag.",
    field: "Felt",
    before: "Før",
    after: "Efter",
    approve: "Godkend",
    approve_comment: "Kommentar (valgfri)",
    conflict_explainer: (i) => `Ændringen er i strid med instruksen: ”${i}”. Den kan kun godkendes, hvis I samtidig ændrer instruksen.`,
    amend_instruction: "Ændr instruksen, så overførsel til tredjelande med gyldigt overførselsgrundlag er tilladt, og godkend ændringen",
    amendment_reason: "Begrundelse for ændringen af instruksen",
    amendment_reason_required: "Skriv en begrundelse for ændringen af instruksen.",
    terms_history: "Instruks og vilkår, alle versioner",
    notice_explainer: "Ændringen fjerner eller retter kun oplysninger. Det er en meddelelse: der er intet at godkende eller gøre indsigelse mod.",
    object: "Gør indsigelse",
    objection_reason: "Begrundelse for indsigelsen",
    objection_explainer: "En indsigelse kræver en konkret og objektiv begrundelse (aftalens punkt 4.2): den dataansvarlige kan ikke afvise en underdatabehandler uden en sådan.",
    objection_reason_required: "Skriv en konkret og objektiv begrundelse for indsigelsen.",
    comment: "Kommentar",
    decided_at: "Besluttet",
    final_note: "Beslutningen er endelig; der kan ikke foretages mere.",
    agreement_title: "Aftale",
    current_annex: "Gældende bilag",
    open_document: "Åbn bilagsdokumentet",
    versions: "Versioner",
    past_decisions: "Tidligere beslutninger",
    no_decisions: "Ingen beslutninger endnu.",
    not_active: "Aftalen er ikke aktiv og har intet gældende bilag.",
    requests_title: "Dine ændringsanmodninger",
    requests_empty: "Ingen ændringsanmodninger.",
    submitted: "Indsendt",
    withdraw: "Træk tilbage",
    withdraw_label: (id) => `Træk ændringsanmodning ${id} tilbage`,
    not_found_title: "Ikke fundet",
    not_found: "Siden findes ikke, eller du har ikke adgang til den.",
    forbidden_title: "Afvist",
    forbidden: "Handlingen blev afvist. Genindlæs siden og prøv igen.",
    conflict: "Beslutningen er allerede endelig.",
  },
};

const sv: Messages = {
  date_format: { year: "numeric", month: "2-digit", day: "2-digit" },
  document_title: "Bilaga 2 – Uppgifter om platser för behandling och underbiträden",
  agreement: "Personuppgiftsbiträdesavtal",
  agreement_reference: "Den personuppgiftsansvariges referens",
  agreement_id: "Avtals-id",
  annex_version: "Bilagans version",
  in_force_from: "Gäller från",
  authorisation_label: "Tillstånd till underbiträden",
  authorisation: { specific: "Särskilt skriftligt förhandstillstånd", general: "Allmänt skriftligt förhandstillstånd" },
  third_country_label: "Överföring till tredjeland",
  yes: "Ja",
  no: "Nej",
  parties: "Parter",
  role: "Roll",
  controller: "Personuppgiftsansvarig",
  processor: "Personuppgiftsbiträde",
  sub_processors: "Godkända underbiträden",
  no_sub_processors: "Inga underbiträden anlitas.",
  locations: "Platser för behandling",
  no_locations: "Inga platser för behandling har angetts.",
  change_history: "Ändringshistorik",
  col_name: "Namn",
  col_registration: "Organisationsnummer",
  col_address: "Adress",
  col_description: "Beskrivning av behandlingen",
  col_processing_locations: "Platser för behandling",
  col_classification: "Klassificering",
  col_transfer_basis: "Grund för överföring",
  col_engaged_by: "Anlitad av",
  col_location: "Plats",
  col_activities: "Aktiviteter",
  col_version: "Version",
  col_effective_date: "Ikraftträdandedatum",
  col_change: "Ändring",
  col_how_decided: "Så godkändes den",
  baseline: "Ursprunglig bilaga",
  how_baseline: "Avtalets ursprungliga bilaga",
  how_approved: (controller, date, notice) => `Godkänd av ${controller} ${date}${notice ? ` (varsel ${notice})` : ""}`,
  how_deemed: (date, notice) => `Anses godkänd när varseltiden löpte ut ${date}${notice ? ` (varsel ${notice})` : ""}`,
  how_noticed: "Meddelande: borttagning eller rättelse, kräver inget godkännande",
  notice_period_label: "Varsel vid ändringar",
  notice_days: (days) => `${days} dagar`,
  instruction_label: "Instruktion om överföring till tredjeland",
  instruction: { prohibited: "Personuppgiftsbiträdet får inte överföra personuppgifter till tredjeland", with_transfer_mechanism: "Överföring till tredjeland med giltig överföringsgrund" },
  terms_version: (v) => `villkor version ${v}`,
  terms_history: "Instruktion och villkor",
  baseline_terms: "Avtalets ursprungliga villkor",
  not_applicable: "Ej tillämpligt",
  classification: { eu_eea: "EU/EES", adequacy: "Tredjeland med beslut om adekvat skyddsnivå", third_country: "Tredjeland utan beslut om adekvat skyddsnivå" },
  activity: {
    hosting: "Hosting",
    storage: "Lagring",
    backup: "Säkerhetskopiering",
    disaster_recovery: "Katastrofåterställning",
    support: "Support",
    operations: "Drift",
    development: "Utveckling",
    other: "Övrigt",
  },
  registration_scheme: {
    dk_cvr: "CVR, Danmark",
    se_orgnr: "org.nr",
    no_orgnr: "org.nr, Norge",
    fi_ytunnus: "FO-nummer, Finland",
    gb_crn: "bolagsnr, Storbritannien",
    de_hr: "Handelsregister, Tyskland",
    eu_vat: "EU-momsreg.nr",
    us_ein: "EIN, USA",
    lei: "LEI",
    other: "annat register",
  },
  sccs: (m) => `Standardavtalsklausuler (2021/914), modul ${moduleNumber(m)}`,
  bcr: "Bindande företagsbestämmelser (BCR)",
  bcr_processor: "Bindande företagsbestämmelser för personuppgiftsbiträden (BCR-P)",
  bcr_controller: "Bindande företagsbestämmelser för personuppgiftsansvariga (BCR-C)",
  art_46: {
    "2a_public_authority_instrument": "Rättsligt bindande instrument mellan offentliga myndigheter, art. 46.2 a",
    "2d_supervisory_authority_clauses": "Standardklausuler antagna av en tillsynsmyndighet, art. 46.2 d",
    "2e_code_of_conduct": "Godkänd uppförandekod, art. 46.2 e",
    "2f_certification": "Godkänd certifieringsmekanism, art. 46.2 f",
    "3a_authorised_contractual_clauses": "Godkända avtalsklausuler, art. 46.3 a",
    "3b_administrative_arrangement": "Administrativa överenskommelser mellan offentliga myndigheter, art. 46.3 b",
  },
  art_49_warning: "lämpar sig endast för tillfälliga överföringar",
  art_49: (letter, d) => `Undantag, art. 49.1 ${letter} (${d})`,
  derogation: {
    explicit_consent: "uttryckligt samtycke",
    contract_performance: "fullgörande av avtal med den registrerade",
    contract_in_interest_of_data_subject: "avtal i den registrerades intresse",
    public_interest: "viktiga skäl som rör allmänintresset",
    legal_claims: "rättsliga anspråk",
    vital_interests: "grundläggande intressen",
    public_register: "offentligt register",
  },
  adequacy_decision: "Beslut om adekvat skyddsnivå (art. 45)",
  dpf: "EU-US Data Privacy Framework (2023/1795)",
  dates_note: "Datum anges i UTC.",
  console: {
    title: "Beslutskonsol",
    skip_to_content: "Hoppa till innehållet",
    nav_label: "Huvudmeny",
    nav_inbox: "Inkorg",
    nav_requests: "Ändringsbegäranden",
    language: "Språk",
    sign_in: "Logga in",
    sign_in_intro: "Klistra in en API-nyckel för din organisation. Nyckeln används bara för att starta en session och sparas inte i webbläsaren.",
    api_key: "API-nyckel",
    api_key_hint: "Börjar med sk_live_",
    sign_in_failed: "Nyckeln är okänd, återkallad eller har gått ut.",
    operator_cannot_sign_in: "Operatörsnyckeln kan inte logga in i konsolen; använd en organisations nyckel.",
    sign_out: "Logga ut",
    signed_in_as: (org) => `Inloggad som ${org}`,
    read_only: "Skrivskyddad: nyckeln kan bara läsa.",
    inbox_title: "Ändringar som väntar på ditt beslut",
    inbox_empty: "Inga ändringar väntar på ditt beslut.",
    col_agreement: "Avtal",
    col_processor: "Personuppgiftsbiträde",
    col_controller: "Personuppgiftsansvarig",
    col_notice_ends: "Varseltiden löper ut",
    col_days_left: "Dagar kvar",
    col_flags: "Markeringar",
    col_state: "Status",
    col_decided: "Beslutad",
    days_left: (n) => (n === 1 ? "1 dag" : `${n} dagar`),
    badge_overdue: "försenad",
    badge_third_country: "medför överföring till tredjeland",
    badge_conflict: "strider mot instruktion",
    open: "Öppna",
    decision_title: "Ändring att besluta om",
    change: "Ändringen av bilagan",
    processor_reason: "Biträdets motivering",
    notice_ends: "Varseltiden löper ut",
    effective_date: "Ikraftträdandedatum",
    effective_on_approval: "Vid godkännande",
    state_label: "Status",
    state: { pending: "väntar", approved: "godkänd", objected: "invändning", withdrawn: "återkallad", deemed_approved: "anses godkänd", noticed: "meddelad (kräver inget godkännande)" },
    added: "Läggs till",
    removed: "Tas bort",
    changed: "Ändras",
    no_changes: "Inga ändringar av detta slag.",
    preview_unavailable: "Ändringen kan inte längre visas mot den gällande bilagan.",
    field: "Fält",
    before: "Före",
    after: "Efter",
    approve: "Godkänn",
    approve_comment: "Kommentar (valfri)",
    conflict_explainer: (i) => `Ändringen strider mot instruktionen: ”${i}”. Den kan bara godkännas om ni samtidigt ändrar instruktionen.`,
    amend_instruction: "Ändra instruktionen så att överföring till tredjeland med giltig överföringsgrund tillåts, och godkänn ändringen",
    amendment_reason: "Motivering till ändringen av instruktionen",
    amendment_reason_required: "Skriv en motivering till ändringen av instruktionen.",
    terms_history: "Instruktion och villkor, alla versioner",
    notice_explainer: "Ändringen tar bara bort eller rättar uppgifter. Det är ett meddelande: det finns inget att godkänna eller invända mot.",
    object: "Invänd",
    objection_reason: "Skäl för invändningen",
    objection_explainer: "En invändning kräver ett konkret och objektivt skäl (avtalets punkt 4.2): den personuppgiftsansvarige kan inte vägra ett underbiträde utan ett sådant.",
    objection_reason_required: "Skriv ett konkret och objektivt skäl för invändningen.",
    comment: "Kommentar",
    decided_at: "Beslutad",
    final_note: "Beslutet är slutligt; inget mer kan göras.",
    agreement_title: "Avtal",
    current_annex: "Gällande bilaga",
    open_document: "Öppna bilagedokumentet",
    versions: "Versioner",
    past_decisions: "Tidigare beslut",
    no_decisions: "Inga beslut ännu.",
    not_active: "Avtalet är inte aktivt och har ingen gällande bilaga.",
    requests_title: "Dina ändringsbegäranden",
    requests_empty: "Inga ändringsbegäranden.",
    submitted: "Inskickad",
    withdraw: "Återkalla",
    withdraw_label: (id) => `Återkalla ändringsbegäran ${id}`,
    not_found_title: "Hittades inte",
    not_found: "Sidan finns inte, eller så har du inte åtkomst till den.",
    forbidden_title: "Nekad",
    forbidden: "Åtgärden nekades. Ladda om sidan och försök igen.",
    conflict: "Beslutet är redan slutligt.",
  },
};

const en: Messages = {
  date_format: { day: "numeric", month: "long", year: "numeric" },
  document_title: "Annex 2 – Processing locations and sub-processors",
  agreement: "Data processing agreement",
  agreement_reference: "Controller's reference",
  agreement_id: "Agreement id",
  annex_version: "Annex version",
  in_force_from: "In force from",
  authorisation_label: "Authorisation of sub-processors",
  authorisation: { specific: "Prior specific written authorisation", general: "General written authorisation" },
  third_country_label: "Transfer to a third country",
  yes: "Yes",
  no: "No",
  parties: "Parties",
  role: "Role",
  controller: "Controller",
  processor: "Processor",
  sub_processors: "Approved sub-processors",
  no_sub_processors: "No sub-processors are engaged.",
  locations: "Processing locations",
  no_locations: "No processing locations are listed.",
  change_history: "Change history",
  col_name: "Name",
  col_registration: "Registration number",
  col_address: "Address",
  col_description: "Description of processing",
  col_processing_locations: "Processing locations",
  col_classification: "Classification",
  col_transfer_basis: "Transfer basis",
  col_engaged_by: "Engaged by",
  col_location: "Location",
  col_activities: "Activities",
  col_version: "Version",
  col_effective_date: "Effective date",
  col_change: "Change",
  col_how_decided: "How it was approved",
  baseline: "Baseline",
  how_baseline: "The agreement's original annex",
  how_approved: (controller, date, notice) => `Approved by ${controller} on ${date}${notice ? ` (notice ${notice})` : ""}`,
  how_deemed: (date, notice) => `Deemed approved when the notice ended on ${date}${notice ? ` (notice ${notice})` : ""}`,
  how_noticed: "Notice: a removal or correction, nothing to approve",
  notice_period_label: "Notice of changes",
  notice_days: (days) => `${days} days`,
  instruction_label: "Instruction on transfers to third countries",
  instruction: { prohibited: "The processor may not transfer personal data to third countries", with_transfer_mechanism: "Transfers to third countries with a valid transfer tool" },
  terms_version: (v) => `terms version ${v}`,
  terms_history: "Instruction and terms",
  baseline_terms: "The agreement's original terms",
  not_applicable: "Not applicable",
  classification: { eu_eea: "EU/EEA", adequacy: "Third country with an adequacy decision", third_country: "Third country without an adequacy decision" },
  activity: {
    hosting: "Hosting",
    storage: "Storage",
    backup: "Backup",
    disaster_recovery: "Disaster recovery",
    support: "Support",
    operations: "Operations",
    development: "Development",
    other: "Other",
  },
  registration_scheme: {
    dk_cvr: "CVR, Denmark",
    se_orgnr: "org. no., Sweden",
    no_orgnr: "org. no., Norway",
    fi_ytunnus: "Business ID, Finland",
    gb_crn: "company no., UK",
    de_hr: "Handelsregister, Germany",
    eu_vat: "EU VAT no.",
    us_ein: "EIN, USA",
    lei: "LEI",
    other: "other register",
  },
  sccs: (m) => `Standard contractual clauses (2021/914), module ${moduleNumber(m)}`,
  bcr: "Binding corporate rules (BCR)",
  bcr_processor: "Binding corporate rules of a processor group (BCR-P)",
  bcr_controller: "Binding corporate rules of a controller group (BCR-C)",
  art_46: {
    "2a_public_authority_instrument": "Legally binding instrument between public authorities, Art. 46(2)(a)",
    "2d_supervisory_authority_clauses": "Standard clauses adopted by a supervisory authority, Art. 46(2)(d)",
    "2e_code_of_conduct": "Approved code of conduct, Art. 46(2)(e)",
    "2f_certification": "Approved certification mechanism, Art. 46(2)(f)",
    "3a_authorised_contractual_clauses": "Authorised contractual clauses, Art. 46(3)(a)",
    "3b_administrative_arrangement": "Administrative arrangement between public authorities, Art. 46(3)(b)",
  },
  art_49_warning: "suits occasional transfers only",
  art_49: (letter, d) => `Derogation, Art. 49(1)(${letter}) (${d})`,
  derogation: {
    explicit_consent: "explicit consent",
    contract_performance: "performance of a contract with the data subject",
    contract_in_interest_of_data_subject: "contract in the interest of the data subject",
    public_interest: "important reasons of public interest",
    legal_claims: "legal claims",
    vital_interests: "vital interests",
    public_register: "public register",
  },
  adequacy_decision: "Adequacy decision (Art. 45)",
  dpf: "EU-US Data Privacy Framework (2023/1795)",
  dates_note: "Dates are given in UTC.",
  console: {
    title: "Decision console",
    skip_to_content: "Skip to content",
    nav_label: "Main",
    nav_inbox: "Inbox",
    nav_requests: "Change requests",
    language: "Language",
    sign_in: "Sign in",
    sign_in_intro: "Paste an API key of your organisation. The key only starts a session; the browser never stores it.",
    api_key: "API key",
    api_key_hint: "Starts with sk_live_",
    sign_in_failed: "The key is unknown, revoked or expired.",
    operator_cannot_sign_in: "The operator key cannot sign in to the console; use an organisation's key.",
    sign_out: "Sign out",
    signed_in_as: (org) => `Signed in as ${org}`,
    read_only: "Read-only: this key can only read.",
    inbox_title: "Changes awaiting your decision",
    inbox_empty: "No change awaits your decision.",
    col_agreement: "Agreement",
    col_processor: "Processor",
    col_controller: "Controller",
    col_notice_ends: "Notice ends",
    col_days_left: "Days left",
    col_flags: "Flags",
    col_state: "State",
    col_decided: "Decided",
    days_left: (n) => (n === 1 ? "1 day" : `${n} days`),
    badge_overdue: "overdue",
    badge_third_country: "introduces a transfer to a third country",
    badge_conflict: "conflicts with instruction",
    open: "Open",
    decision_title: "Change to decide",
    change: "The change to the annex",
    processor_reason: "The processor's reason",
    notice_ends: "Notice ends",
    effective_date: "Effective date",
    effective_on_approval: "On approval",
    state_label: "State",
    state: { pending: "pending", approved: "approved", objected: "objected", withdrawn: "withdrawn", deemed_approved: "deemed approved", noticed: "notice (nothing to approve)" },
    added: "Added",
    removed: "Removed",
    changed: "Changed",
    no_changes: "No changes of this kind.",
    preview_unavailable: "The change can no longer be shown against the annex in force.",
    field: "Field",
    before: "Before",
    after: "After",
    approve: "Approve",
    approve_comment: "Comment (optional)",
    conflict_explainer: (i) => `This change conflicts with your instruction: “${i}”. It can only be approved if you amend the instruction in the same act.`,
    amend_instruction: "Amend the instruction to allow transfers to third countries with a valid transfer tool, and approve the change",
    amendment_reason: "Reason for amending the instruction",
    amendment_reason_required: "Give a reason for amending the instruction.",
    terms_history: "Instruction and terms, every version",
    notice_explainer: "This change only removes or corrects entries. It is a notice: there is nothing to approve or object to.",
    object: "Object",
    objection_reason: "Reason for the objection",
    objection_explainer: "An objection needs a concrete, objective reason (clause 4.2 of the agreement): a controller cannot refuse a sub-processor without one.",
    objection_reason_required: "Write a concrete, objective reason for the objection.",
    comment: "Comment",
    decided_at: "Decided",
    final_note: "The decision is final; nothing more can be done.",
    agreement_title: "Agreement",
    current_annex: "Annex in force",
    open_document: "Open the annex document",
    versions: "Versions",
    past_decisions: "Past decisions",
    no_decisions: "No decisions yet.",
    not_active: "The agreement is not active and has no annex in force.",
    requests_title: "Your change requests",
    requests_empty: "No change requests.",
    submitted: "Submitted",
    withdraw: "Withdraw",
    withdraw_label: (id) => `Withdraw change request ${id}`,
    not_found_title: "Not found",
    not_found: "The page does not exist, or you have no access to it.",
    forbidden_title: "Refused",
    forbidden: "The action was refused. Reload the page and try again.",
    conflict: "The decision is already final.",
  },
};

/** The one message catalogue: every language has every key. */
export const MESSAGES: Record<Lang, Messages> = { da, sv, en };
