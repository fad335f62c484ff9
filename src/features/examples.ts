/**
 * The examples of the API reference (openapi/openapi.json) tell one story, so that ids and dates
 * agree from one operation to the next: NordCare Systems ApS, a processor, runs the home-care system
 * of Aarhus Kommune on Hetzner's servers in Germany; in November it adds Microsoft's Dublin region
 * for an off-site backup, and the municipality approves. Ids have the service's form
 * (src/domain/ids.ts): their prefix and a ULID of the instant they were made. Each example is typed
 * against its schema, and test/openapi.test.ts checks it with the schema's own rules.
 */
export const EXAMPLE_IDS = {
  aarhus: "org_01M1DZPW00W26P2YQMXQNKN9XH",
  nordcare: "org_01M1E000Z0991YMC84YH7BPYM1",
  aarhusKey: "key_01M1E095Y011Q1Y7S808QKSP6F",
  nordcareKey: "key_01M1E0CV40BNAG65DQFXBX7FJC",
  mette: "usr_01M1GGCN602GVD60RHYN00FJRY",
  metteKey: "key_01M1GJ3K00CE9SAWR9B9NZJE9Z",
  jonas: "usr_01M1KESWW015KPJKR07VFT98R8",
  agreement: "agr_01M2J5CRR0F6Z9Y4Q3YK1980D9",
  hetznerFalkenstein: "loc_01M2J5CRR0F6Z9Y4Q3YK1980D6",
  nordcareHerlev: "loc_01M2J5CRR0F6Z9Y4Q3YK1980D7",
  hetzner: "sp_01M2J5CRR0F6Z9Y4Q3YK1980D8",
  endpoint: "ep_01M3VNBWG02NBGTDH4WJ73HZAK",
  changeRequest: "cr_01M6DSG7E0082NQZ2CYK60VPJY",
  decision: "dec_01M6DSG7E0082NQZ2CYK60VPJZ",
  question: "qst_01M72AZ1M0Q5T8W2C4D6F8H0JK",
  submittedEvent: "evt_01M6DSG7E0082NQZ2CYK60VPK0",
  approvedEvent: "evt_01M7W77J50JG14XBDBHBT9GBCB",
  azureNorthEurope: "loc_01M7W77J50JG14XBDBHBT9GBCC",
  microsoftIreland: "sp_01M7W77J50JG14XBDBHBT9GBCD",
  versionCreatedEvent: "evt_01M7W77J50JG14XBDBHBT9GBCE",
  delivery: "msg_01M7W77J50T2FD6QNY1F1AFNK2",
  failedAttempt: "atm_01M7W77M3GQV6007YVSQJZVVNG",
  attempt: "atm_01M7W77RZRX7XA24WN8K4CDFC3",
  pingEvent: "evt_01M81B5H8013T12VKV4MDATXG5",
  resentDelivery: "msg_01M81BEP70RHP6HJBCJNYYQH6N",
  approvalRecord: "aud_01M7W77J508BA2Q1BR27Y9AV49",
  versionRecord: "aud_01M7W77J508BA2Q1BR27Y9AV4A",
  approvalRequest: "req_01M7W77J504BYJQEZG0CQGZ8NK",
} as const;

/** The instants of the story, in order. */
export const EXAMPLE_TIMES = {
  organisationsCreated: "2026-09-01T08:00:00.000Z",
  proposed: "2026-09-15T09:12:00.000Z",
  confirmed: "2026-09-18T13:40:00.000Z",
  endpointCreated: "2026-10-01T12:00:00.000Z",
  submitted: "2026-11-02T09:30:00.000Z",
  /** 30 days' notice given on 2 November ends at 24:00 on 2 December in Copenhagen */
  noticeEnds: "2026-12-02T23:00:00.000Z",
  approved: "2026-11-20T10:15:00.000Z",
  now: "2026-11-22T10:00:00.000Z",
} as const;

/** One page of a list, the last. */
export const listExample = <T>(data: T[]) => ({ object: "list" as const, data, has_more: false, next_cursor: null });
