import type { MailMessages } from "./types";

const days = (n: number) => (n === 1 ? "1 dag" : `${n} dage`);
const minutes = (n: number) => (n === 1 ? "1 minut" : `${n} minutter`);

/** Danish (dansk), in the words of docs/glossary.md: underdatabehandler, databehandler, dataansvarlig, tredjeland, instruks. */
export const da = {
  service: "Subprocessor Registry",
  greeting: (name) => (name ? `Hej ${name},` : "Hej,"),
  labels: {
    agreement: "Aftale",
    processor: "Databehandler",
    controller: "Dataansvarlig",
    submitted_by: "Indsendt af",
    decided_by: "Besluttet af",
    amended_by: "Ændret af",
    notice_ends: "Varslingsfristen udløber",
    introduces_third_country: "Medfører overførsel til tredjeland",
    instruction_conflict: "I strid med instruksen",
    objection_reason: "Begrundelse for indsigelsen",
    decline_reason: "Begrundelse for afvisningen",
    amendment_reason: "Begrundelse for ændringen",
    annex_version: "Bilagets version",
    annex_third_country: "Overførsel til tredjeland (bilaget som helhed)",
    terms_version: "Vilkårenes version",
    endpoint: "Webhook-endpoint",
    last_status: "Seneste HTTP-status",
    last_error: "Seneste fejl",
    detail: "Detaljer",
    errors: "Hvorfor den ikke kunne gennemføres",
    reclassified: "Oplysninger med en ny klassifikation",
    copy_link: "Virker knappen ikke, så kopiér denne adresse ind i din browser:",
  },
  entry: { sub_processor: "Underdatabehandler", location: "Lokalitet for behandling" },
  third_country: "tredjeland",
  replaces: (ref) => `erstatter ${ref}`,
  moves_to: (place) => `flyttes til ${place}`,
  from_to: (from, to) => `${from} → ${to}`,
  field_name: {
    parent: "Overordnet underdatabehandler",
    contact: "Kontaktperson",
    pipeda_covered: "Omfattet af PIPEDA",
    international_organisation: "International organisation",
  },
  silence_for_processor: {
    general: (c, date) => `Efter den generelle godkendelse anses ændringen for godkendt ${date}, medmindre ${c} gør indsigelse inden da.`,
    specific: (c) => `Efter den specifikke godkendelse skal ${c} godkende ændringen udtrykkeligt; tavshed er ikke godkendelse.`,
    conflict: (c) =>
      `Ændringen er i strid med instruksen fra ${c} om overførsel til tredjelande: tavshed godkender den aldrig, og ${c} kan kun godkende den ved at ændre instruksen.`,
  },
  submitted: {
    subject_decide: (t) => `Ændring afventer din beslutning: ${t}`,
    subject_notice: (t) => `Meddelelse om ændring: ${t}`,
    subject_submitted: (t) => `Ændring indsendt: ${t}`,
    lead: (a) => `${a.processor} har indsendt en ændring af underdatabehandlere og lokaliteter for behandling i databehandleraftalen ”${a.agreement}” med ${a.controller}.`,
    ask: "Godkend ændringen, eller gør indsigelse med en konkret og saglig begrundelse, inden varslingsfristen udløber.",
    waits: (c) => `Den afventer nu beslutningen fra ${c}.`,
    notice_takes_effect: (date) => `Den træder i kraft ${date}.`,
    action_decide: "Åbn beslutningen",
    action_view: "Se ændringen",
  },
  reminder: {
    subject_decide: (d, t) => `Påmindelse, ${d} til at beslutte: ${t}`,
    subject_view: (d, t) => `Varslingsfristen udløber om ${d}: ${t}`,
    lead: (a, d) => `Varslingsfristen for ændringen fra ${a.processor} i aftalen ”${a.agreement}” med ${a.controller} udløber om ${d}.`,
    action_decide: "Åbn beslutningen",
    action_view: "Se ændringen",
  },
  deemed_approved: {
    subject: (t) => `Anset som godkendt: ${t}`,
    lead: (a, date) =>
      `Varslingsfristen udløb ${date} uden indsigelse fra ${a.controller}. Efter den generelle godkendelse anses ændringen fra ${a.processor} i aftalen ”${a.agreement}” for godkendt.`,
    action: "Se beslutningen",
  },
  overdue: {
    subject: (t) => `Fristen er udløbet uden beslutning: ${t}`,
    lead: (a, date) => `Varslingsfristen for ændringen fra ${a.processor} i aftalen ”${a.agreement}” udløb ${date} uden en beslutning fra ${a.controller}.`,
    why: {
      specific: "Efter en specifik godkendelse er tavshed ikke godkendelse.",
      conflict: "Ændringen er i strid med instruksen om overførsel til tredjelande, så tavshed godkender den aldrig.",
    },
    to_controller: "Ændringen træder ikke i kraft, før I godkender den. Godkend den, eller gør indsigelse med en konkret og saglig begrundelse.",
    to_processor: (c) => `Ændringen træder ikke i kraft, medmindre ${c} godkender den.`,
    action_decide: "Beslut nu",
    action: "Se beslutningen",
  },
  approved: {
    subject: (t) => `Ændring godkendt: ${t}`,
    lead: (a) => `${a.controller} har godkendt ændringen fra ${a.processor} i aftalen ”${a.agreement}”.`,
    action: "Se beslutningen",
  },
  objected: {
    subject: (t) => `Indsigelse mod ændringen: ${t}`,
    lead: (a) => `${a.controller} har gjort indsigelse mod ændringen fra ${a.processor} i aftalen ”${a.agreement}”. Ændringen træder ikke i kraft for denne aftale.`,
    action: "Se beslutningen",
  },
  objection_responded: {
    subject: (t) => `Svar på jeres indsigelse: ${t}`,
    lead: (a) => `${a.processor} har svaret på indsigelsen fra ${a.controller} mod ændringen i aftalen ”${a.agreement}”. Ændringen træder fortsat ikke i kraft for denne aftale.`,
    action: "Se beslutningen",
  },
  withdrawn: {
    subject: (t) => `Ændring trukket tilbage: ${t}`,
    lead: (a) => `${a.processor} har trukket sin ændring i aftalen ”${a.agreement}” med ${a.controller} tilbage. Der er ikke mere at beslutte, og bilaget forbliver uændret.`,
    action: "Se beslutningen",
  },
  failed: {
    subject: (t) => `Ændringen kunne ikke gennemføres: ${t}`,
    lead: (a) =>
      `Den godkendte ændring fra ${a.processor} i aftalen ”${a.agreement}” med ${a.controller} kunne ikke længere gennemføres på bilaget, som det er nu. Intet blev ændret; bilaget er uændret.`,
    to_processor: "Indsend ændringen igen i forhold til det gældende bilag for at gennemføre den.",
    action: "Se beslutningen",
  },
  version_created: {
    subject: (v, t) => `Ny version ${v} af bilaget: ${t}`,
    lead: (a, v, date) => `Ændringen fra ${a.processor} i aftalen ”${a.agreement}” med ${a.controller} er trådt i kraft: bilaget er nu version ${v}, gældende fra ${date}.`,
    action: "Se bilaget",
  },
  proposed: {
    subject_confirm: (t) => `Aftale afventer jeres bekræftelse: ${t}`,
    subject_view: (t) => `Aftale foreslået: ${t}`,
    lead: (a) => `${a.processor} har foreslået databehandleraftalen ”${a.agreement}” til ${a.controller} med et bilag over underdatabehandlere og lokaliteter for behandling.`,
    ask: "Gennemgå bilaget og vilkårene, og bekræft eller afvis derefter aftalen.",
    waits: (c) => `Den afventer nu bekræftelse fra ${c}.`,
    action_confirm: "Gennemgå aftalen",
    action_view: "Se aftalen",
  },
  confirmed: {
    subject: (t) => `Aftale bekræftet: ${t}`,
    lead: (a) => `${a.controller} har bekræftet aftalen ”${a.agreement}” med ${a.processor}. Den er aktiv, og bilaget gælder som version 1.`,
    action: "Se aftalen",
  },
  declined: {
    subject: (t) => `Aftale afvist: ${t}`,
    lead: (a) => `${a.controller} har afvist aftalen ”${a.agreement}”, som ${a.processor} foreslog.`,
    action: "Se aftalen",
  },
  amended: {
    agreement: (id) => `aftale ${id}`,
    subject: (t) => `Vilkår ændret: ${t}`,
    lead: (t, v, date) => `Den dataansvarlige har ændret vilkårene for ${t}: vilkår version ${v}, gældende fra ${date}.`,
    action: "Se aftalen",
  },
  classification: {
    subject: (t) => `Klassifikation af overførsler ændret: ${t}`,
    lead: (t, v, release, under) =>
      `En ny udgave af de juridiske referencedata (${release}) klassificerer oplysninger i det gældende bilag for ${t} (version ${v}) anderledes. Versionen beholder den klassifikation, den blev godkendt under (${under}).`,
    action: "Se aftalen",
  },
  endpoint_disabled: {
    subject: (url) => `Webhook-endpoint deaktiveret: ${url}`,
    lead: {
      gone: (url) => `Webhook-endpointet ${url} svarede 410 Gone og er derfor deaktiveret.`,
      failing: (url) => `Webhook-endpointet ${url} fejlede i 5 dage og er derfor deaktiveret.`,
    },
    fix: "Der leveres ikke længere hændelser til det. Ret modtageren, og aktivér derefter endpointet igen (PATCH /v1/webhook-endpoints/{id} med enabled: true); hændelser fra perioden imellem kan sendes igen.",
    action: "Åbn API-dokumentationen",
  },
  footer: {
    why: (org) => `Du får denne e-mail, fordi du bruger Subprocessor Registry for ${org}, og denne type meddelelser er slået til.`,
    why_any: "Du får denne e-mail, fordi du bruger Subprocessor Registry, og denne type meddelelser er slået til.",
    preferences: "Vælg, hvilke meddelelser du får",
    unsubscribe: "Afmeld denne type meddelelser",
  },
  sign_in: {
    subject: (org) => `${org}: dit login-link`,
    lead: (org) => `Brug linket nedenfor til at logge ind i Subprocessor Registry for ${org}.`,
    expires: (n) => `Linket virker én gang og udløber om ${minutes(n)}.`,
    action: "Log ind",
    why: "Du får denne e-mail, fordi nogen har bedt om et login-link til denne e-mailadresse. Var det ikke dig, kan du se bort fra den: ingen kan logge ind uden linket.",
  },
  page_confirm: {
    subject: (p) => `Bekræft: e-mails om underdatabehandlere hos ${p}`,
    lead: (p) =>
      `Nogen, forhåbentlig dig, har bedt om en e-mail til denne adresse, hver gang ${p} varsler eller gennemfører en ændring af sine underdatabehandlere på sin offentlige side om underdatabehandlere. Bekræft, at du vil have dem.`,
    expires: (n) => `Linket virker én gang og udløber om ${days(n)}.`,
    action: "Bekræft abonnementet",
    why: "Du får denne e-mail, fordi adressen er indtastet på en offentlig side om underdatabehandlere. Var det ikke dig, kan du se bort fra den: uden bekræftelse får du ikke flere e-mails.",
  },
  page_digest: {
    subject: (p, n) => `${p}: ${n === 1 ? "1 ændring" : `${n} ændringer`} af underdatabehandlere`,
    lead: (p) =>
      `${p} har varslet eller gennemført disse ændringer af sine underdatabehandlere siden vores seneste e-mail. De står også på den offentlige side om underdatabehandlere.`,
    action: "Se siden om underdatabehandlere",
    why: (p) => `Du får denne e-mail, fordi du abonnerer på den offentlige side om underdatabehandlere hos ${p} og har bekræftet din adresse.`,
    unsubscribe: "Afmeld",
  },
  invitation: {
    subject: (org) => `${org}: invitation til Subprocessor Registry`,
    lead: (org, by, role) => `${by ?? "En administrator"} har inviteret dig til ${org} i Subprocessor Registry som ${role}.`,
    role: {
      admin: { name: "administrator", description: "En administrator styrer organisationens brugere og nøgler og kan alt, hvad en beslutningstager kan." },
      decider: { name: "beslutningstager", description: "En beslutningstager godkender eller gør indsigelse mod ændringer af underdatabehandlere og bekræfter aftaler." },
      viewer: { name: "læser", description: "En læser kan se aftaler, bilag og beslutninger, men ændrer intet." },
    },
    expires: (n) => `Invitationen udløber om ${days(n)}.`,
    action: "Accepter invitationen",
    why: (org) => `Du får denne e-mail, fordi nogen hos ${org} har inviteret denne e-mailadresse. Havde du ikke ventet den, kan du se bort fra den.`,
  },
} satisfies MailMessages;
