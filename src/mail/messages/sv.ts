import type { MailMessages } from "./types";

const days = (n: number) => (n === 1 ? "1 dag" : `${n} dagar`);
const minutes = (n: number) => (n === 1 ? "1 minut" : `${n} minuter`);

/** Swedish (svenska), in the words of docs/glossary.md: underbiträde, personuppgiftsbiträde, personuppgiftsansvarig, tredjeland, instruktioner. */
export const sv = {
  service: "Subprocessor Registry",
  greeting: (name) => (name ? `Hej ${name},` : "Hej,"),
  labels: {
    agreement: "Avtal",
    processor: "Personuppgiftsbiträde",
    controller: "Personuppgiftsansvarig",
    submitted_by: "Inskickad av",
    decided_by: "Beslutad av",
    amended_by: "Ändrad av",
    notice_ends: "Varseltiden löper ut",
    introduces_third_country: "Medför överföring till tredjeland",
    instruction_conflict: "Strider mot instruktionen",
    objection_reason: "Skäl för invändningen",
    decline_reason: "Skäl för att avböja",
    amendment_reason: "Motivering till ändringen",
    annex_version: "Bilagans version",
    annex_third_country: "Överföring till tredjeland (bilagan som helhet)",
    terms_version: "Villkorens version",
    endpoint: "Webhook-endpoint",
    last_status: "Senaste HTTP-status",
    last_error: "Senaste fel",
    detail: "Detaljer",
    errors: "Varför den inte kunde genomföras",
    reclassified: "Uppgifter som klassificeras annorlunda",
    copy_link: "Om knappen inte fungerar, kopiera den här adressen till din webbläsare:",
  },
  entry: { sub_processor: "Underbiträde", location: "Plats för behandling" },
  third_country: "tredjeland",
  replaces: (ref) => `ersätter ${ref}`,
  moves_to: (place) => `flyttas till ${place}`,
  from_to: (from, to) => `${from} → ${to}`,
  field_name: {
    parent: "Överordnat underbiträde",
    contact: "Kontaktperson",
    pipeda_covered: "Omfattas av PIPEDA",
    international_organisation: "Internationell organisation",
  },
  silence_for_processor: {
    general: (c, date) => `Enligt det allmänna förhandstillståndet anses ändringen godkänd ${date}, om inte ${c} invänder dessförinnan.`,
    specific: (c) => `Enligt det särskilda förhandstillståndet måste ${c} uttryckligen godkänna ändringen; tystnad är inte ett godkännande.`,
    conflict: (c) =>
      `Ändringen strider mot de instruktioner som ${c} har gett om överföring till tredjeland: tystnad godkänner den aldrig, och ${c} kan bara godkänna den genom att ändra instruktionen.`,
  },
  submitted: {
    subject_decide: (t) => `Ändring väntar på ditt beslut: ${t}`,
    subject_notice: (t) => `Meddelande om ändring: ${t}`,
    subject_submitted: (t) => `Ändring inskickad: ${t}`,
    lead: (a) => `${a.processor} har skickat in en ändring av underbiträden och platser för behandling i personuppgiftsbiträdesavtalet ”${a.agreement}” med ${a.controller}.`,
    ask: "Godkänn ändringen, eller invänd mot den med ett konkret och objektivt skäl, innan varseltiden löper ut.",
    waits: (c) => `Den väntar nu på beslut från ${c}.`,
    notice_takes_effect: (date) => `Den träder i kraft ${date}.`,
    action_decide: "Öppna beslutet",
    action_view: "Se ändringen",
  },
  reminder: {
    subject_decide: (d, t) => `Påminnelse, ${d} kvar att besluta: ${t}`,
    subject_view: (d, t) => `Varseltiden löper ut om ${d}: ${t}`,
    lead: (a, d) => `Varseltiden för ändringen från ${a.processor} i avtalet ”${a.agreement}” med ${a.controller} löper ut om ${d}.`,
    action_decide: "Öppna beslutet",
    action_view: "Se ändringen",
  },
  deemed_approved: {
    subject: (t) => `Anses godkänd: ${t}`,
    lead: (a, date) =>
      `Varseltiden löpte ut ${date} utan invändning från ${a.controller}. Enligt det allmänna förhandstillståndet anses ändringen från ${a.processor} i avtalet ”${a.agreement}” godkänd.`,
    action: "Se beslutet",
  },
  overdue: {
    subject: (t) => `Varseltiden har löpt ut utan beslut: ${t}`,
    lead: (a, date) => `Varseltiden för ändringen från ${a.processor} i avtalet ”${a.agreement}” löpte ut ${date} utan beslut från ${a.controller}.`,
    why: {
      specific: "Enligt ett särskilt förhandstillstånd är tystnad inte ett godkännande.",
      conflict: "Ändringen strider mot instruktionen om överföring till tredjeland, så tystnad godkänner den aldrig.",
    },
    to_controller: "Ändringen träder inte i kraft förrän ni godkänner den. Godkänn den, eller invänd mot den med ett konkret och objektivt skäl.",
    to_processor: (c) => `Ändringen träder inte i kraft om inte ${c} godkänner den.`,
    action_decide: "Besluta nu",
    action: "Se beslutet",
  },
  approved: {
    subject: (t) => `Ändring godkänd: ${t}`,
    lead: (a) => `${a.controller} har godkänt ändringen från ${a.processor} i avtalet ”${a.agreement}”.`,
    action: "Se beslutet",
  },
  objected: {
    subject: (t) => `Invändning mot ändringen: ${t}`,
    lead: (a) => `${a.controller} har invänt mot ändringen från ${a.processor} i avtalet ”${a.agreement}”. Ändringen träder inte i kraft för detta avtal.`,
    action: "Se beslutet",
  },
  objection_responded: {
    subject: (t) => `Svar på er invändning: ${t}`,
    lead: (a) =>
      `${a.processor} har svarat på invändningen från ${a.controller} mot ändringen i avtalet ”${a.agreement}”. Ändringen träder fortfarande inte i kraft för detta avtal.`,
    action: "Se beslutet",
  },
  withdrawn: {
    subject: (t) => `Ändring återkallad: ${t}`,
    lead: (a) => `${a.processor} har återkallat sin ändring i avtalet ”${a.agreement}” med ${a.controller}. Det finns inget mer att besluta, och bilagan förblir oförändrad.`,
    action: "Se beslutet",
  },
  failed: {
    subject: (t) => `Ändringen kunde inte genomföras: ${t}`,
    lead: (a) =>
      `Den godkända ändringen från ${a.processor} i avtalet ”${a.agreement}” med ${a.controller} kunde inte längre genomföras på bilagan som den ser ut nu. Ingenting genomfördes; bilagan är oförändrad.`,
    to_processor: "Skicka in ändringen igen mot den gällande bilagan för att genomföra den.",
    action: "Se beslutet",
  },
  version_created: {
    subject: (v, t) => `Ny version ${v} av bilagan: ${t}`,
    lead: (a, v, date) => `Ändringen från ${a.processor} i avtalet ”${a.agreement}” med ${a.controller} har trätt i kraft: bilagan är nu version ${v}, gällande från ${date}.`,
    action: "Se bilagan",
  },
  proposed: {
    subject_confirm: (t) => `Avtal väntar på er bekräftelse: ${t}`,
    subject_view: (t) => `Avtal föreslaget: ${t}`,
    lead: (a) => `${a.processor} har föreslagit personuppgiftsbiträdesavtalet ”${a.agreement}” till ${a.controller}, med en bilaga över underbiträden och platser för behandling.`,
    ask: "Granska bilagan och villkoren, och bekräfta eller avböj sedan avtalet.",
    waits: (c) => `Det väntar nu på bekräftelse från ${c}.`,
    action_confirm: "Granska avtalet",
    action_view: "Se avtalet",
  },
  confirmed: {
    subject: (t) => `Avtal bekräftat: ${t}`,
    lead: (a) => `${a.controller} har bekräftat avtalet ”${a.agreement}” med ${a.processor}. Det är aktivt, och bilagan gäller som version 1.`,
    action: "Se avtalet",
  },
  declined: {
    subject: (t) => `Avtal avböjt: ${t}`,
    lead: (a) => `${a.controller} har avböjt avtalet ”${a.agreement}” som ${a.processor} föreslog.`,
    action: "Se avtalet",
  },
  amended: {
    agreement: (id) => `avtal ${id}`,
    subject: (t) => `Villkor ändrade: ${t}`,
    lead: (t, v, date) => `Den personuppgiftsansvarige har ändrat villkoren för ${t}: villkor version ${v}, gällande från ${date}.`,
    action: "Se avtalet",
  },
  classification: {
    subject: (t) => `Klassificering av överföringar ändrad: ${t}`,
    lead: (t, v, release, under) =>
      `En ny utgåva av de rättsliga referensuppgifterna (${release}) klassificerar uppgifter i den gällande bilagan för ${t} (version ${v}) annorlunda. Versionen behåller den klassificering den godkändes under (${under}).`,
    action: "Se avtalet",
  },
  endpoint_disabled: {
    subject: (url) => `Webhook-endpoint inaktiverad: ${url}`,
    lead: {
      gone: (url) => `Webhook-endpointen ${url} svarade 410 Gone och har därför inaktiverats.`,
      failing: (url) => `Webhook-endpointen ${url} misslyckades i 5 dagar och har därför inaktiverats.`,
    },
    fix: "Inga händelser levereras längre till den. Rätta mottagaren och aktivera sedan endpointen igen (PATCH /v1/webhook-endpoints/{id} med enabled: true); händelser från mellantiden kan skickas igen.",
    action: "Öppna API-dokumentationen",
  },
  footer: {
    why: (org) => `Du får detta eftersom du använder Subprocessor Registry för ${org} och den här typen av meddelanden är påslagen.`,
    why_any: "Du får detta eftersom du använder Subprocessor Registry och den här typen av meddelanden är påslagen.",
    preferences: "Välj vilka meddelanden du får",
    unsubscribe: "Avsluta prenumerationen på den här typen av meddelanden",
  },
  sign_in: {
    subject: (org) => `${org}: din inloggningslänk`,
    lead: (org) => `Använd länken nedan för att logga in i Subprocessor Registry för ${org}.`,
    expires: (n) => `Länken fungerar en gång och går ut om ${minutes(n)}.`,
    action: "Logga in",
    why: "Du får detta eftersom någon har begärt en inloggningslänk till den här e-postadressen. Om det inte var du kan du bortse från meddelandet: ingen kan logga in utan länken.",
  },
  page_confirm: {
    subject: (p) => `Bekräfta: e-post om underbiträden hos ${p}`,
    lead: (p) =>
      `Någon, förhoppningsvis du, har bett om e-post till den här adressen varje gång ${p} aviserar eller genomför en ändring av sina underbiträden på sin offentliga sida om underbiträden. Bekräfta att du vill ha den.`,
    expires: (n) => `Länken fungerar en gång och går ut om ${days(n)}.`,
    action: "Bekräfta prenumerationen",
    why: "Du får detta eftersom adressen har angetts på en offentlig sida om underbiträden. Om det inte var du kan du bortse från meddelandet: utan bekräftelse får du inget mer.",
  },
  page_digest: {
    subject: (p, n) => `${p}: ${n === 1 ? "1 ändring" : `${n} ändringar`} av underbiträden`,
    lead: (p) => `${p} har aviserat eller genomfört dessa ändringar av sina underbiträden sedan vårt senaste meddelande. De finns också på den offentliga sidan om underbiträden.`,
    action: "Se sidan om underbiträden",
    why: (p) => `Du får detta eftersom du prenumererar på den offentliga sidan om underbiträden hos ${p} och har bekräftat din adress.`,
    unsubscribe: "Avsluta prenumerationen",
  },
  invitation: {
    subject: (org) => `${org}: inbjudan till Subprocessor Registry`,
    lead: (org, by, role) => `${by ?? "En administratör"} har bjudit in dig till ${org} i Subprocessor Registry som ${role}.`,
    role: {
      admin: { name: "administratör", description: "En administratör hanterar organisationens användare och nycklar och kan göra allt som en beslutsfattare kan." },
      decider: { name: "beslutsfattare", description: "En beslutsfattare godkänner eller invänder mot ändringar av underbiträden och bekräftar avtal." },
      viewer: { name: "läsare", description: "En läsare ser avtal, bilagor och beslut men ändrar ingenting." },
    },
    expires: (n) => `Inbjudan går ut om ${days(n)}.`,
    action: "Acceptera inbjudan",
    why: (org) => `Du får detta eftersom någon hos ${org} har bjudit in den här e-postadressen. Om du inte väntade dig det kan du bortse från meddelandet.`,
  },
} satisfies MailMessages;
