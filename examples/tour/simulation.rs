//! The company's days, simulated: what happens is drawn from seeded dice
//! and kept in an agenda of timed actions; what it means is decided by the
//! domain crates' aggregates and the flows between them. Every event any
//! aggregate decides is queued in the outbox and stored at the end of its
//! day.

use std::collections::{BTreeMap, BTreeSet};

use bureau::crm::case::{
    Case, CaseChange, CaseChannel, CaseCommand, CasePriority, CaseStatus, Opener,
};
use bureau::crm::{
    Conversion, DisqualifyReason, Engagement, EngagementKind, FieldText, FieldValue, Lead,
    LeadChange, LeadCommand, LeadData, LeadEvent, LeadId, LeadStatus, MessageText, Name,
    OpportunitySeed, ScoreStage, ScoringCommand, ScoringSetup, Source, Subject,
};
use bureau::flows::{
    AccountMapping, CustomerFlags, DocumentPosting, FlagCommand, ForeignPayment, HandOffCommand,
    HandOffEvent, HandOffLog, OpportunitySetup, PaymentPosting, PayrollPosting, credit_note_entry,
    invoice_from_order, opportunity_from_lead, order_from_won, payment_booking, payroll_entry,
    refund_entry, salaries_paid_entry, ticket_events,
};
use bureau::hr::{
    Fte, LeaveAccount, LeaveCommand, LeaveDays, LeaveEmployment, LeaveRequestId, LeaveSpan,
    PayFrequency, PayInput, PayrollCalculation, PayrollRun, PayrollRunCommand, PayrollRunEvent,
    Timesheet, TimesheetCommand, WorkedTime, YearToDate,
};
use bureau::ledger::{
    Account, EntryId, JournalEntry, Ledger, LedgerCommand, LedgerConfig, SoftLock,
};
use bureau::sales::{
    CloseReason, Credit, CreditNote, CreditNoteCommand, CreditNoteIssue, Document, DocumentLine,
    DocumentNumber, Invoice, InvoiceCommand, InvoiceEvent, InvoiceIssue, InvoiceScope,
    LineQuantity, Opportunity, OpportunityChange, OpportunityCommand, OpportunityId,
    OpportunityStatus, Order, OrderCommand, OrderEvent, Pricing, Quantity,
};
use bureau::sla::{Evaluation, Priority, SlaRecord};
use bureau::{
    Aggregate, Currency, Decimal, ExchangeRate, Money, PartyId, Percent, Period, Rate, TicketId,
};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc};

use super::Failure;
use super::company::{
    BASE, BEHAVIOURS, BERLIN, CONTROLLER, FOREIGN, INDUSTRIES, LICENCE, SUPPORT_PLAN, Setup,
    TRAINING, employees_field, industry_field,
};
use super::outbox::Outbox;
use super::random::Dice;

/// A customer of the company.
pub struct Customer {
    pub party: PartyId,
    pub segment: &'static str,
    pub currency: Currency,
    pub churned: bool,
}

struct LeadFile {
    lead: Lead,
    engagements: Vec<Engagement>,
    steps: u32,
}

pub struct OpportunityFile {
    pub opportunity: Opportunity,
    customer: usize,
    seats: u32,
    training_days: u32,
}

pub struct InvoiceFile {
    pub invoice: Invoice,
    pub issue: Box<InvoiceIssue>,
    pub customer: usize,
    /// The rate the invoice was booked at, for one in dollars.
    booked: Option<ExchangeRate>,
    /// When the order of a won deal was placed (quote to cash).
    pub deal_ordered: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
}

struct CreditNoteFile {
    note: CreditNote,
    issue: Box<CreditNoteIssue>,
    invoice: usize,
}

pub struct CaseFile<'c> {
    pub case: Case,
    pub record: SlaRecord<'c>,
    pub customer: usize,
    position: u64,
    agent: bureau::UserId,
    /// The agent's time spent on it.
    pub spent: TimeDelta,
    follow_up: bool,
}

struct StaffFile {
    leave: LeaveAccount,
    timesheet: Option<Timesheet>,
    year_to_date: YearToDate,
}

/// One month's payroll, as the summary prints it.
pub struct PayrollMonth {
    pub period: Period,
    pub payslips: usize,
    pub gross: Money,
    pub employer: Money,
    pub tax: Money,
    pub net: Money,
    pub overtime_hours: Decimal,
    pub unpaid_days: Decimal,
    pub leave_days: Decimal,
}

/// What happens at an instant.
enum Action {
    LeadStep(usize),
    OpportunityStep(usize),
    Pay(usize),
    Return(usize),
    Refund(usize),
    Triage(usize),
    Reply(usize),
    CustomerAnswers(usize),
    Solve(usize),
}

/// The simulated company, in memory, with the outbox of its stored events.
pub struct Company<'s> {
    pub setup: &'s Setup,
    pricing: Pricing<'s>,
    dice: Dice,
    agenda: BTreeMap<(DateTime<Utc>, u64), Action>,
    sequence: u64,
    pub outbox: Outbox,
    pub ledger: Ledger,
    pub mapping: AccountMapping,
    scoring: ScoringSetup,
    handoffs: HandOffLog,
    pub flags: CustomerFlags,
    pub customers: Vec<Customer>,
    leads: Vec<LeadFile>,
    pub opportunities: Vec<OpportunityFile>,
    /// How many orders were placed (an invoiced order is not kept).
    orders: usize,
    pub invoices: Vec<InvoiceFile>,
    credit_notes: Vec<CreditNoteFile>,
    pub cases: Vec<CaseFile<'s>>,
    staff: Vec<StaffFile>,
    pub payroll: Vec<PayrollMonth>,
    entries: u128,
    touched_cases: BTreeSet<usize>,
    /// Counts the story's special moments, so each happens at least once.
    pub returns: usize,
    pub foreign_payments: usize,
    pub late_payments: usize,
    foreign_planned: bool,
    return_planned: bool,
    pub set_off: usize,
    pub refunds: usize,
}

/// The instant of `hour:minute` in Berlin on `day`.
pub fn berlin(day: NaiveDate, hour: u32, minute: u32) -> Result<DateTime<Utc>, Failure> {
    let wall = day.and_hms_opt(hour, minute, 0).ok_or("time of day")?;
    Ok(BERLIN
        .from_local_datetime(&wall)
        .earliest()
        .ok_or("local time")?
        .to_utc())
}

/// The dollar's price in euros on `day`: a deterministic drift around 0.92.
fn usd_in_eur(day: NaiveDate) -> Result<ExchangeRate, Failure> {
    let wobble = i64::from(day.ordinal() % 11) - 5;
    let rate = Decimal::new(9_200 + wobble * 15, 4);
    Ok(ExchangeRate::new(FOREIGN, BASE, Rate::new(rate), day)?)
}

impl<'s> Company<'s> {
    /// The company on the eve of its first simulated day: accounts opened,
    /// the mapping, scoring model and share capital recorded, customers and
    /// staff on file.
    pub fn open(setup: &'s Setup, outbox: Outbox) -> Result<Self, Failure> {
        let pricing = Pricing::new(&setup.catalog, &setup.prices, &setup.taxes, setup.pricing);
        let mut company = Self {
            setup,
            pricing,
            dice: Dice::new(0x00B0_12EA_u64),
            agenda: BTreeMap::new(),
            sequence: 0,
            outbox,
            ledger: Ledger::new(),
            mapping: AccountMapping::new(),
            scoring: ScoringSetup::default(),
            handoffs: HandOffLog::default(),
            flags: CustomerFlags::default(),
            customers: Vec::new(),
            leads: Vec::new(),
            opportunities: Vec::new(),
            orders: 0,
            invoices: Vec::new(),
            credit_notes: Vec::new(),
            cases: Vec::new(),
            staff: Vec::new(),
            payroll: Vec::new(),
            entries: 0,
            touched_cases: BTreeSet::new(),
            returns: 0,
            foreign_payments: 0,
            late_payments: 0,
            foreign_planned: false,
            return_planned: false,
            set_off: 0,
            refunds: 0,
        };
        // The books opened at the start of the year; the simulation starts
        // with the month before the first simulated one already billed.
        let eve = NaiveDate::from_ymd_opt(setup.start.year(), 1, 1).ok_or("date")?;
        let at = berlin(eve, 8, 0)?;
        let mut events = company.ledger.handle(&LedgerCommand::Configure(
            LedgerConfig::new().with_conversion_account(setup.conversion_account),
        ))?;
        let mut mapping_events = company.mapping.set_base_currency(BASE)?;
        for line in &setup.chart {
            let id = bureau::ledger::AccountId::from_u128(line.code);
            events.extend(
                company
                    .ledger
                    .handle(&LedgerCommand::OpenAccount(Account::new(
                        id,
                        line.code.to_string().parse()?,
                        line.name.parse()?,
                        line.kind,
                        eve,
                    )))?,
            );
            if let Some(role) = &line.role {
                mapping_events.extend(company.mapping.map(role.clone(), id)?);
            }
        }
        company.outbox.record("ledger", &events, at)?;
        company.outbox.record("mapping", &mapping_events, at)?;
        let adopted = company
            .scoring
            .handle(&ScoringCommand::adopt(at, setup.scoring.clone()))?;
        company.outbox.record("scoring", &adopted, at)?;
        let capital = Money::from_minor(50_000_000, BASE)?;
        let entry =
            JournalEntry::builder(company.next_entry(), eve, "share capital paid in".parse()?)
                .debit(setup.bank, capital)
                .credit(setup.capital, capital)
                .build()?;
        company.post(entry, at)?;
        for index in 0..setup.customers {
            company.customers.push(Customer {
                party: PartyId::from_u128(u128::try_from(index)? + 1),
                segment: setup.segment_of(index),
                currency: setup.currency_of(index),
                churned: false,
            });
        }
        for member in &setup.staff {
            let mut leave = LeaveAccount::default();
            let hired = NaiveDate::from_ymd_opt(2024, 1, 1).ok_or("date")?;
            let configured = leave.handle(&LeaveCommand::Configure {
                employee: member.employee,
                policy: setup.annual_leave.clone(),
                calendar: setup.office.clone(),
                employment: LeaveEmployment::new(hired, Fte::FULL),
            })?;
            company
                .outbox
                .record(&format!("leave-{}", member.employee), &configured, at)?;
            company.staff.push(StaffFile {
                leave,
                timesheet: None,
                year_to_date: YearToDate::new(BASE),
            });
        }
        // The month before: every customer billed for the quarter, the
        // invoices still open on the first simulated day; then it is closed.
        let previous = setup
            .start
            .checked_sub_months(chrono::Months::new(1))
            .ok_or("date")?;
        for day in previous.iter_days().take_while(|day| *day < setup.start) {
            company.billing(day, None)?;
            let midnight = berlin(day.succ_opt().ok_or("date")?, 0, 0)?;
            company.run_agenda(midnight)?;
        }
        let closing = berlin(setup.start, 0, 0)? - TimeDelta::minutes(1);
        company.book(
            &LedgerCommand::LockPeriod(SoftLock::new(Period::month(
                previous.year(),
                previous.month(),
            )?)),
            closing,
        )?;
        Ok(company)
    }

    fn next_entry(&mut self) -> EntryId {
        self.entries += 1;
        EntryId::from_u128(self.entries)
    }

    fn schedule(&mut self, at: DateTime<Utc>, action: Action) {
        self.sequence += 1;
        self.agenda.insert((at, self.sequence), action);
    }

    /// Decides a ledger command and queues its events.
    fn book(&mut self, command: &LedgerCommand, at: DateTime<Utc>) -> Result<(), Failure> {
        let events = self.ledger.handle(command)?;
        self.outbox.record("ledger", &events, at)
    }

    fn post(&mut self, entry: JournalEntry, at: DateTime<Utc>) -> Result<(), Failure> {
        self.book(&LedgerCommand::Post(entry), at)
    }

    /// Records that a hand-off's source event was processed.
    fn handed_off(&mut self, processed: HandOffEvent, at: DateTime<Utc>) -> Result<(), Failure> {
        let HandOffEvent::Processed(source) = processed else {
            return Err("a hand-off event the tour does not know".into());
        };
        let events = self.handoffs.handle(&HandOffCommand::Record(source))?;
        self.outbox.record("handoffs", &events, at)
    }

    fn working(&self, day: NaiveDate) -> bool {
        !self.setup.desk.hours_on(day).is_empty()
    }

    /// Simulates one day and stores what it decided.
    pub fn day(&mut self, day: NaiveDate, month_index: u32) -> Result<(), Failure> {
        if self.working(day) {
            self.new_leads(day)?;
            self.new_cases(day)?;
            self.hours_worked(day)?;
        }
        self.billing(day, Some(month_index))?;
        let midnight = berlin(day.succ_opt().ok_or("date")?, 0, 0)?;
        self.run_agenda(midnight)?;
        self.breaches(midnight - TimeDelta::seconds(1))?;
        if day
            .succ_opt()
            .is_some_and(|next| next.month() != day.month())
        {
            self.month_end(day)?;
        }
        Ok(())
    }

    /// Does everything the agenda holds before `until`, in time order.
    fn run_agenda(&mut self, until: DateTime<Utc>) -> Result<(), Failure> {
        while let Some(entry) = self.agenda.first_entry() {
            if entry.key().0 >= until {
                break;
            }
            let ((at, _), action) = entry.remove_entry();
            self.act(action, at)?;
        }
        Ok(())
    }

    fn act(&mut self, action: Action, at: DateTime<Utc>) -> Result<(), Failure> {
        match action {
            Action::LeadStep(lead) => self.lead_step(lead, at),
            Action::OpportunityStep(deal) => self.opportunity_step(deal, at),
            Action::Pay(invoice) => self.pay(invoice, at),
            Action::Return(invoice) => self.give_back(invoice, at),
            Action::Refund(note) => self.refund(note, at),
            Action::Triage(case) => self.triage(case, at),
            Action::Reply(case) => self.reply(case, at),
            Action::CustomerAnswers(case) => self.customer_answers(case, at),
            Action::Solve(case) => self.solve(case, at),
        }
    }

    // ----- CRM: leads, scoring, conversion -----

    fn sales_users(&self) -> Vec<bureau::UserId> {
        self.setup
            .staff
            .iter()
            .filter(|s| s.centre.as_str() == "sales")
            .map(|s| s.user)
            .collect()
    }

    fn new_leads(&mut self, day: NaiveDate) -> Result<(), Failure> {
        let count = (self.setup.customers / 80).max(2);
        let sellers = self.sales_users();
        for n in 0..count {
            let index = self.leads.len();
            let id = LeadId::from_u128(u128::try_from(index)? + 1);
            let at = berlin(day, 9, 0)? + TimeDelta::minutes(i64::try_from(n * 7)? % 480);
            let industry = INDUSTRIES[self.dice.index(INDUSTRIES.len())];
            let staff_count = 5 * self.dice.between(1, 80);
            let data = LeadData::new(
                Name::new(&format!("Prospect {}", index + 1))?,
                Source::new(if self.dice.chance(50) {
                    "webinar"
                } else {
                    "website"
                })?,
            )
            .with_company(Name::new(&format!("Prospect Company {}", index + 1))?)
            .with_campaign(Name::new(if day.month().is_multiple_of(2) {
                "spring launch"
            } else {
                "winter webinars"
            })?);
            let owner = sellers.get(index % sellers.len().max(1)).copied();
            let mut lead = Lead::default();
            let mut events = Vec::new();
            for change in [
                LeadChange::Capture { id, data },
                LeadChange::SetAttribute(
                    industry_field()?,
                    FieldValue::Text(FieldText::new(industry)?),
                ),
                LeadChange::SetAttribute(
                    employees_field()?,
                    FieldValue::Number(Decimal::from(staff_count)),
                ),
                LeadChange::AssignOwner(owner),
            ] {
                events.extend(lead.handle(&LeadCommand::new(at, change))?);
            }
            self.outbox
                .record(&format!("lead-{}", index + 1), &events, at)?;
            self.leads.push(LeadFile {
                lead,
                engagements: Vec::new(),
                steps: 0,
            });
            let next = at + TimeDelta::hours(i64::try_from(self.dice.between(2, 30))?);
            self.schedule(next, Action::LeadStep(index));
        }
        Ok(())
    }

    fn lead_step(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), Failure> {
        let kind = BEHAVIOURS[match self.dice.below(10) {
            0..=1 => 0,
            2..=5 => 1,
            _ => 2,
        }];
        let file = self.leads.get_mut(index).ok_or("lead")?;
        file.steps += 1;
        file.engagements
            .push(Engagement::new(EngagementKind::new(kind)?, at));
        let (_, score) = self
            .scoring
            .score(&file.lead, &file.engagements, at)
            .ok_or("no scoring model")?;
        let status = file.lead.status().clone();
        let mut changes = Vec::new();
        match score.stage {
            ScoreStage::SalesQualified => {
                if status == LeadStatus::New {
                    changes.push(LeadChange::MarkContacted);
                }
                changes.push(LeadChange::Qualify);
            }
            ScoreStage::MarketingQualified if status == LeadStatus::New => {
                changes.push(LeadChange::MarkContacted);
            }
            _ if file.steps >= 6 => {
                changes.push(LeadChange::Disqualify(DisqualifyReason::NoNeed));
            }
            _ => {}
        }
        let mut events = Vec::new();
        for change in changes {
            events.extend(file.lead.handle(&LeadCommand::new(at, change))?);
        }
        let qualified = *file.lead.status() == LeadStatus::Qualified;
        let closed = file.lead.status().is_closed();
        if qualified {
            let customer = self.customers.len();
            let party = PartyId::from_u128(u128::try_from(customer)? + 1);
            let contact = PartyId::from_u128(1_000_000 + u128::try_from(index)?);
            let seats = u32::try_from(self.dice.between(3, 40))?;
            let training_days = u32::try_from(self.dice.below(3))?;
            let priced = self.price(BASE, &deal_lines(seats, training_days), at.date_naive())?;
            let file = self.leads.get_mut(index).ok_or("lead")?;
            let seed = OpportunitySeed::new(Name::new(&format!("{seats} seats"))?)
                .with_amount(priced.totals().net);
            let converted = file.lead.handle(&LeadCommand::new(
                at,
                LeadChange::Convert(Conversion::new(contact, Some(party), seed)),
            ))?;
            events.extend(converted.iter().cloned());
            let big = matches!(
                file.lead.attributes().get(&employees_field()?),
                Some(FieldValue::Number(n)) if *n >= Decimal::from(200)
            );
            self.customers.push(Customer {
                party,
                segment: if big { "enterprise" } else { "small business" },
                currency: BASE,
                churned: false,
            });
            self.outbox
                .record(&format!("lead-{}", index + 1), &events, at)?;
            for event in &converted {
                self.open_opportunity(event, customer, seats, training_days, at)?;
            }
            return Ok(());
        }
        self.outbox
            .record(&format!("lead-{}", index + 1), &events, at)?;
        if !closed {
            let next = at + TimeDelta::hours(i64::try_from(self.dice.between(20, 60))?);
            self.schedule(next, Action::LeadStep(index));
        }
        Ok(())
    }

    fn open_opportunity(
        &mut self,
        event: &LeadEvent,
        customer: usize,
        seats: u32,
        training_days: u32,
        at: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let index = self.opportunities.len();
        let id = OpportunityId::from_u128(u128::try_from(index)? + 1);
        let close = at.date_naive() + TimeDelta::days(30);
        let staff = &self.setup.staff;
        let employee_of = |user| staff.iter().find(|s| s.user == user).map(|s| s.employee);
        let setup = OpportunitySetup::new(id, &self.setup.pipeline, close, employee_of);
        let Some(hand_off) = opportunity_from_lead(&self.handoffs, event, &setup)? else {
            return Ok(());
        };
        let mut opportunity = Opportunity::default();
        let events = opportunity.handle(&hand_off.output)?;
        self.outbox
            .record(&format!("opportunity-{}", index + 1), &events, at)?;
        self.handed_off(hand_off.processed, at)?;
        self.opportunities.push(OpportunityFile {
            opportunity,
            customer,
            seats,
            training_days,
        });
        let next = at + TimeDelta::days(1);
        self.schedule(next, Action::OpportunityStep(index));
        Ok(())
    }

    // ----- Sales: pipeline, orders, invoices, payments, returns -----

    fn price(
        &self,
        currency: Currency,
        lines: &[(bureau::ProductId, u32)],
        on: NaiveDate,
    ) -> Result<bureau::sales::PricedDocument, Failure> {
        let mut document = Document::new(currency, on);
        for (product, quantity) in lines {
            document = document.with_line(DocumentLine::new(*product, Quantity::from(*quantity)));
        }
        Ok(self.pricing.price(&document)?)
    }

    fn opportunity_step(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), Failure> {
        if !self.working(at.with_timezone(&BERLIN).date_naive()) {
            self.schedule(at + TimeDelta::days(1), Action::OpportunityStep(index));
            return Ok(());
        }
        let roll = self.dice.below(100);
        let file = self.opportunities.get(index).ok_or("opportunity")?;
        let position = file.opportunity.position().ok_or("opened")?;
        let stages = self.setup.pipeline.stages();
        let last_open = self.setup.pipeline.open_positions().last().unwrap_or(0);
        let change = match roll {
            0..=5 => Some(OpportunityChange::Lose(CloseReason::new(if roll < 3 {
                "price"
            } else {
                "no decision"
            })?)),
            6..=40 if position < last_open => Some(OpportunityChange::MoveTo(
                stages.get(position + 1).ok_or("stage")?.name().clone(),
            )),
            6..=40 => Some(OpportunityChange::Win(None)),
            _ => None,
        };
        let Some(change) = change else {
            self.schedule(at + TimeDelta::days(1), Action::OpportunityStep(index));
            return Ok(());
        };
        let file = self.opportunities.get_mut(index).ok_or("opportunity")?;
        let events = file
            .opportunity
            .handle(&OpportunityCommand::new(at, change))?;
        let (customer, seats, training_days) = (file.customer, file.seats, file.training_days);
        self.outbox
            .record(&format!("opportunity-{}", index + 1), &events, at)?;
        let status = self.opportunities[index].opportunity.status();
        if status == Some(OpportunityStatus::Won) {
            let on = at.with_timezone(&BERLIN).date_naive();
            let priced = self.price(BASE, &deal_lines(seats, training_days), on)?;
            let number = DocumentNumber::new(format!("SO-{:06}", self.orders + 1))?;
            for event in &events {
                let file = &self.opportunities[index];
                let Some(hand_off) = order_from_won(
                    &self.handoffs,
                    &file.opportunity,
                    event,
                    &priced,
                    number.clone(),
                    on,
                )?
                else {
                    continue;
                };
                self.handed_off(hand_off.processed, at)?;
                self.fulfil(customer, hand_off.output, Some(on), at)?;
            }
        } else if status == Some(OpportunityStatus::Open) {
            self.schedule(at + TimeDelta::days(1), Action::OpportunityStep(index));
        }
        Ok(())
    }

    /// The recurring support plans: a third of the customers are billed
    /// each simulated month (every one of them in the month before), each
    /// on their own day.
    fn billing(&mut self, day: NaiveDate, month_index: Option<u32>) -> Result<(), Failure> {
        let billing_day = usize::try_from(day.day())? - 1;
        if billing_day >= 28 {
            return Ok(());
        }
        let month = month_index.map(usize::try_from).transpose()?;
        let at = berlin(day, 6, 0)?;
        let mut index = billing_day;
        let existing = self.setup.customers;
        while index < existing {
            let customer = &self.customers[index];
            if !customer.churned && month.is_none_or(|month| (index + month) % 3 == 0) {
                let currency = customer.currency;
                let plans = u32::try_from(index % 3)? + 1;
                let priced = self.price(currency, &[(SUPPORT_PLAN, plans)], day)?;
                let number = DocumentNumber::new(format!("SO-{:06}", self.orders + 1))?;
                let place = OrderCommand::Place {
                    number,
                    priced: Box::new(priced),
                    on: day,
                };
                self.fulfil(index, place, None, at)?;
            }
            index += 28;
        }
        Ok(())
    }

    /// Places an order, delivers it and invoices it; posts the invoice and
    /// decides how the customer will pay.
    fn fulfil(
        &mut self,
        customer: usize,
        place: OrderCommand,
        deal_ordered: Option<NaiveDate>,
        at: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let OrderCommand::Place { on, .. } = &place else {
            return Err("an order is placed first".into());
        };
        let on = *on;
        let order_index = self.orders;
        let mut order = Order::default();
        let mut events = order.handle(&place)?;
        let lines = order
            .priced()
            .ok_or("placed")?
            .lines()
            .iter()
            .enumerate()
            .map(|(index, line)| LineQuantity::new(index, line.quantity))
            .collect();
        events.extend(order.handle(&OrderCommand::Ship { on, lines })?);
        let invoiced = order.handle(&OrderCommand::Invoice {
            number: DocumentNumber::new(format!("INV-{:06}", self.invoices.len() + 1))?,
            on,
            scope: InvoiceScope::Delivered,
            terms: self.setup.terms,
        })?;
        events.extend(invoiced.iter().cloned());
        self.outbox
            .record(&format!("order-{}", order_index + 1), &events, at)?;
        self.orders += 1;
        let party = self.customers[customer].party;
        let booked = match self.customers[customer].currency {
            FOREIGN => Some(usd_in_eur(on)?),
            _ => None,
        };
        for event in &invoiced {
            let OrderEvent::Invoiced(issue) = event else {
                continue;
            };
            let entry = self.next_entry();
            let mut posting = DocumentPosting::new(entry, party, &self.setup.catalog);
            if let Some(rate) = booked {
                posting = posting.at_rate(rate);
            }
            let Some(hand_off) =
                invoice_from_order(&self.handoffs, &self.mapping, event, &posting)?
            else {
                continue;
            };
            self.post(hand_off.output, at)?;
            self.handed_off(hand_off.processed, at)?;
            let mut invoice = Invoice::default();
            let issued = invoice.handle(&InvoiceCommand::Issue(issue.clone()))?;
            let index = self.invoices.len();
            self.outbox
                .record(&format!("invoice-{}", index + 1), &issued, at)?;
            self.invoices.push(InvoiceFile {
                invoice,
                issue: issue.clone(),
                customer,
                booked,
                deal_ordered,
                paid_on: None,
            });
            self.plan_payment(index, on)?;
            // Some training is returned: the first time always, then now
            // and then.
            let trained = issue.priced.lines().iter().any(|l| l.product == TRAINING);
            if trained && self.dice.chance(15) {
                self.schedule(at + TimeDelta::days(12), Action::Return(index));
            }
        }
        Ok(())
    }

    /// When the customer will pay: early with the discount, on time, late,
    /// or not within the simulation.
    fn plan_payment(&mut self, index: usize, issued: NaiveDate) -> Result<(), Failure> {
        let foreign = self.invoices[index].booked.is_some();
        let won = self.invoices[index].deal_ordered.is_some();
        // The story needs one late payer and one paying in dollars.
        let days = if index == 0 {
            30 + self.dice.between(5, 15)
        } else if foreign && !self.foreign_planned {
            self.foreign_planned = true;
            self.dice.between(20, 30)
        } else {
            match self.dice.below(100) {
                0..=24 => self.dice.between(3, 10),
                25..=39 if won => self.dice.between(3, 10),
                25..=79 => self.dice.between(14, 30),
                80..=94 => 30 + self.dice.between(5, 40),
                _ => return Ok(()),
            }
        };
        let day = issued + TimeDelta::days(i64::try_from(days)?);
        let at = berlin(day, 10, 0)? + TimeDelta::minutes(i64::try_from(self.dice.below(300))?);
        self.schedule(at, Action::Pay(index));
        Ok(())
    }

    fn pay(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), Failure> {
        let on = at.with_timezone(&BERLIN).date_naive();
        let file = self.invoices.get_mut(index).ok_or("invoice")?;
        let schedule = file.issue.schedule;
        let balance = file.invoice.balance().ok_or("issued")?;
        if !balance.is_positive() {
            return Ok(());
        }
        // The discount is taken on what is left (a credit note may have
        // reduced it), as the invoice computes it.
        let amount = match schedule.discount {
            Some(offer) if on <= offer.deadline => balance.checked_sub(balance.mul_rate(
                offer.percent.to_rate(),
                file.issue.priced.config().strategy(),
            )?)?,
            _ => balance,
        };
        if on > schedule.due {
            self.late_payments += 1;
        }
        let events = file.invoice.handle(&InvoiceCommand::Pay { amount, on })?;
        file.paid_on = Some(on);
        let (issue, booked, customer) = (file.issue.clone(), file.booked, file.customer);
        self.outbox
            .record(&format!("invoice-{}", index + 1), &events, at)?;
        // The first paid invoice in euros sees a unit come back, refunded.
        if !self.return_planned && booked.is_none() {
            self.return_planned = true;
            self.schedule(at + TimeDelta::days(3), Action::Return(index));
        }
        let party = self.customers[customer].party;
        for event in &events {
            if !matches!(event, InvoiceEvent::Paid { .. }) {
                continue;
            }
            let mut posting = PaymentPosting::new(self.next_entry(), party);
            if let Some(booked) = booked {
                let discount_entry = self.next_entry();
                posting = posting.in_foreign_currency(ForeignPayment::new(
                    booked,
                    usd_in_eur(on)?,
                    discount_entry,
                ));
                self.foreign_payments += 1;
            }
            for command in payment_booking(&self.mapping, &issue, event, &posting)?.into_commands()
            {
                self.book(&command, at)?;
            }
        }
        Ok(())
    }

    fn give_back(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), Failure> {
        let on = at.with_timezone(&BERLIN).date_naive();
        let number = DocumentNumber::new(format!("CN-{:06}", self.credit_notes.len() + 1))?;
        let file = self.invoices.get_mut(index).ok_or("invoice")?;
        // A training day if there is one, else a unit of the last line.
        let lines = file.issue.priced.lines();
        let line = lines
            .iter()
            .position(|l| l.product == TRAINING)
            .unwrap_or(lines.len().saturating_sub(1));
        let events = file.invoice.handle(&InvoiceCommand::Credit {
            number,
            on,
            credit: Credit::Return {
                lines: vec![LineQuantity::new(line, Quantity::from(1))],
                restocking_fee: Some(Percent::new(10.into())),
            },
        })?;
        let (issue, booked, customer) = (file.issue.clone(), file.booked, file.customer);
        self.outbox
            .record(&format!("invoice-{}", index + 1), &events, at)?;
        let party = self.customers[customer].party;
        for event in &events {
            let InvoiceEvent::Credited(note) = event else {
                continue;
            };
            self.returns += 1;
            let mut credit_note = CreditNote::default();
            let issued = credit_note.handle(&CreditNoteCommand::Issue(note.clone()))?;
            let note_index = self.credit_notes.len();
            self.outbox
                .record(&format!("credit-note-{}", note_index + 1), &issued, at)?;
            let mut posting = DocumentPosting::new(self.next_entry(), party, &self.setup.catalog);
            if let Some(rate) = booked {
                posting = posting.at_rate(rate);
            }
            let entry = credit_note_entry(&self.mapping, note, &issue, &posting)?;
            self.post(entry, at)?;
            self.credit_notes.push(CreditNoteFile {
                note: credit_note,
                issue: note.clone(),
                invoice: index,
            });
            if self.invoices[index].paid_on.is_some() {
                self.schedule(at + TimeDelta::days(2), Action::Refund(note_index));
            } else {
                // Not paid yet: the credit is set off against the invoice,
                // whose balance it already reduced; nothing leaves the bank.
                let settled = self.credit_notes[note_index]
                    .note
                    .handle(&CreditNoteCommand::Settle { on })?;
                self.outbox
                    .record(&format!("credit-note-{}", note_index + 1), &settled, at)?;
                self.set_off += 1;
            }
        }
        Ok(())
    }

    fn refund(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), Failure> {
        let on = at.with_timezone(&BERLIN).date_naive();
        let file = self.credit_notes.get_mut(index).ok_or("credit note")?;
        let events = file.note.handle(&CreditNoteCommand::Settle { on })?;
        let (issue, invoice) = (file.issue.clone(), file.invoice);
        self.outbox
            .record(&format!("credit-note-{}", index + 1), &events, at)?;
        let party = self.customers[self.invoices[invoice].customer].party;
        for event in &events {
            let entry = self.next_entry();
            let refund = refund_entry(&self.mapping, &issue, event, entry, party)?;
            self.post(refund, at)?;
            self.refunds += 1;
        }
        Ok(())
    }

    // ----- Support: cases against their service levels -----

    fn support_agents(&self) -> Vec<bureau::UserId> {
        self.setup
            .staff
            .iter()
            .filter(|s| s.centre.as_str() == "support")
            .map(|s| s.user)
            .collect()
    }

    fn new_cases(&mut self, day: NaiveDate) -> Result<(), Failure> {
        let count = (self.setup.customers / 100).max(2);
        let agents = self.support_agents();
        for _ in 0..count {
            let customer = self.dice.index(self.customers.len());
            if self.customers[customer].churned {
                continue;
            }
            let index = self.cases.len();
            let minutes = 7 * 60 + self.dice.below(13 * 60);
            let at = berlin(day, 0, 0)? + TimeDelta::minutes(i64::try_from(minutes)?);
            let priority = match self.dice.below(20) {
                0 => CasePriority::Urgent,
                1..=4 => CasePriority::High,
                5..=16 => CasePriority::Normal,
                _ => CasePriority::Low,
            };
            let subject = [
                "Cannot log in",
                "Invoice question",
                "Export fails",
                "Seat transfer",
            ][self.dice.index(4)];
            let mut case = Case::default();
            let events = case.handle(&CaseCommand::new(
                at,
                CaseChange::Open {
                    id: TicketId::from_u128(u128::try_from(index)? + 1),
                    requester: self.customers[customer].party,
                    organization: None,
                    channel: if self.dice.chance(70) {
                        CaseChannel::Email
                    } else {
                        CaseChannel::Phone
                    },
                    priority,
                    opened_by: Opener::Customer,
                    subject: Subject::new(subject)?,
                },
            ))?;
            let agent = agents
                .get(self.dice.index(agents.len()))
                .copied()
                .ok_or("no support staff")?;
            self.cases.push(CaseFile {
                case,
                record: SlaRecord::new(&self.setup.sla),
                customer,
                position: 0,
                agent,
                spent: TimeDelta::zero(),
                follow_up: self.dice.chance(30),
            });
            self.case_events(index, &events, at)?;
            let triage = at + TimeDelta::minutes(i64::try_from(self.dice.between(2, 25))?);
            self.schedule(triage, Action::Triage(index));
        }
        Ok(())
    }

    /// Stores a case's events and hands them to its SLA record.
    fn case_events(
        &mut self,
        index: usize,
        events: &[bureau::crm::case::CaseEvent],
        at: DateTime<Utc>,
    ) -> Result<(), Failure> {
        self.outbox
            .record(&format!("case-{}", index + 1), events, at)?;
        for event in events {
            let file = self.cases.get_mut(index).ok_or("case")?;
            file.position += 1;
            let Some(hand_off) = ticket_events(&self.handoffs, &file.case, event, file.position)?
            else {
                continue;
            };
            for ticket_event in &hand_off.output {
                file.record.record(ticket_event)?;
            }
            self.outbox
                .record(&format!("sla-{}", index + 1), &hand_off.output, at)?;
            self.handed_off(hand_off.processed, at)?;
        }
        self.touched_cases.insert(index);
        Ok(())
    }

    fn change_case(
        &mut self,
        index: usize,
        at: DateTime<Utc>,
        changes: Vec<CaseChange>,
    ) -> Result<(), Failure> {
        let file = self.cases.get_mut(index).ok_or("case")?;
        let mut events = Vec::new();
        for change in changes {
            events.extend(file.case.handle(&CaseCommand::new(at, change))?);
        }
        self.case_events(index, &events, at)
    }

    /// Working time an agent takes, by priority: mostly inside the target,
    /// sometimes not.
    fn handling_delay(&mut self, index: usize, resolution: bool) -> Result<TimeDelta, Failure> {
        let priority = self.cases[index]
            .record
            .priority()
            .unwrap_or(Priority::Normal);
        let target_minutes: u64 = match (priority, resolution) {
            (Priority::Urgent, false) => 60,
            (Priority::High, false) => 120,
            (Priority::Low, false) => 960,
            (_, false) => 480,
            (Priority::Urgent, true) => 300,
            (Priority::High, true) => 600,
            (Priority::Low, true) => 2400,
            (_, true) => 1200,
        };
        let minutes = if self.dice.chance(12) {
            target_minutes + self.dice.between(10, target_minutes)
        } else {
            self.dice
                .between(target_minutes / 10, target_minutes * 9 / 10)
        };
        Ok(TimeDelta::minutes(i64::try_from(minutes)?))
    }

    fn after_working(&self, at: DateTime<Utc>, delay: TimeDelta) -> Result<DateTime<Utc>, Failure> {
        Ok(self.setup.desk.add_working(at, delay)?)
    }

    fn triage(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), Failure> {
        let agent = self.cases[index].agent;
        self.cases[index].spent += TimeDelta::minutes(10);
        self.change_case(
            index,
            at,
            vec![
                CaseChange::Assign {
                    assignee: Some(agent),
                    group: None,
                },
                CaseChange::Status(CaseStatus::Open),
            ],
        )?;
        let opened = self.cases[index].case.opened_at().ok_or("opened")?;
        let delay = self.handling_delay(index, false)?;
        let reply = self
            .after_working(opened, delay)?
            .max(at + TimeDelta::minutes(1));
        self.schedule(reply, Action::Reply(index));
        Ok(())
    }

    fn reply(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), Failure> {
        let file = &mut self.cases[index];
        file.spent += TimeDelta::minutes(20);
        let agent = file.agent;
        let asks = file.follow_up;
        file.follow_up = false;
        let mut changes = vec![CaseChange::Reply {
            agent,
            body: MessageText::new(if asks {
                "Could you send us the export log?"
            } else {
                "Here is how to fix it."
            })?,
        }];
        if asks {
            changes.push(CaseChange::Status(CaseStatus::Pending));
        }
        self.change_case(index, at, changes)?;
        if asks {
            let answer = at + TimeDelta::hours(i64::try_from(self.dice.between(3, 40))?);
            self.schedule(answer, Action::CustomerAnswers(index));
        } else {
            let delay = self.handling_delay(index, true)? / 3;
            let solve = self.after_working(at, delay)?;
            self.schedule(solve, Action::Solve(index));
        }
        Ok(())
    }

    fn customer_answers(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), Failure> {
        self.change_case(
            index,
            at,
            vec![
                CaseChange::CustomerMessage {
                    body: MessageText::new("Attached.")?,
                },
                CaseChange::Status(CaseStatus::Open),
            ],
        )?;
        let delay = self.handling_delay(index, false)? / 2;
        let reply = self.after_working(at, delay)?;
        self.schedule(reply, Action::Reply(index));
        Ok(())
    }

    fn solve(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), Failure> {
        self.cases[index].spent += TimeDelta::minutes(5);
        self.change_case(index, at, vec![CaseChange::Status(CaseStatus::Solved)])
    }

    /// Flags the customers of today's breaches, once per ticket and metric.
    fn breaches(&mut self, end_of_day: DateTime<Utc>) -> Result<(), Failure> {
        let touched = std::mem::take(&mut self.touched_cases);
        let open: Vec<usize> = touched.into_iter().collect();
        let mut events = Vec::new();
        for index in open {
            let file = &self.cases[index];
            let evaluation = file.record.evaluate(end_of_day)?;
            let customer = self.customers[file.customer].party;
            for command in self.flags.flag_breaches(customer, &evaluation) {
                events.extend(self.flags.handle(&command)?);
            }
            // A case still open is looked at again tomorrow.
            if !matches!(
                file.case.status(),
                Some(CaseStatus::Solved | CaseStatus::Closed)
            ) {
                self.touched_cases.insert(index);
            }
        }
        self.outbox.record("flags", &events, end_of_day)
    }

    /// How many leads arrived.
    pub fn lead_count(&self) -> usize {
        self.leads.len()
    }

    /// How many credit notes were issued.
    pub fn credit_note_count(&self) -> usize {
        self.credit_notes.len()
    }

    /// The evaluation of every case at `now`, in case order.
    pub fn evaluations(&self, now: DateTime<Utc>) -> Result<Vec<Evaluation<'s>>, Failure> {
        self.cases
            .iter()
            .map(|file| Ok(file.record.evaluate(now)?))
            .collect()
    }

    // ----- HR: time, leave, payroll; closing the month -----

    fn hours_worked(&mut self, day: NaiveDate) -> Result<(), Failure> {
        let at = berlin(day, 18, 0)?;
        for (index, member) in self.setup.staff.iter().enumerate() {
            if !member.hourly {
                continue;
            }
            let file = &mut self.staff[index];
            let mut events = Vec::new();
            if file.timesheet.is_none() {
                let first = day.with_day(1).ok_or("date")?;
                let last = first
                    .checked_add_months(chrono::Months::new(1))
                    .ok_or("date")?;
                let mut sheet = Timesheet::default();
                events.extend(sheet.handle(&TimesheetCommand::Open {
                    employee: member.employee,
                    period: bureau::DateRange::new(first, last)?,
                    calendar: self.setup.office.clone(),
                })?);
                file.timesheet = Some(sheet);
            }
            let late = self.dice.chance(25);
            let sheet = file.timesheet.as_mut().ok_or("timesheet")?;
            events.extend(sheet.handle(&TimesheetCommand::Record {
                work: WorkedTime::OnDay {
                    date: day,
                    interval: if late { "08:00-18:30" } else { "08:30-16:30" }.parse()?,
                },
            })?);
            let stream = format!("timesheet-{}-{}", member.employee, day.format("%Y-%m"));
            self.outbox.record(&stream, &events, at)?;
        }
        Ok(())
    }

    fn month_end(&mut self, last: NaiveDate) -> Result<(), Failure> {
        let first = last.with_day(1).ok_or("date")?;
        let at = berlin(last, 20, 0)?;
        let period = self.setup.pay_schedule.period_containing(first)?;
        let month = Period::month(first.year(), first.month())?;
        let mut overtime = Decimal::ZERO;
        let mut unpaid_days = Decimal::ZERO;
        let mut leave_days = Decimal::ZERO;
        // Per member of staff: hours from an approved timesheet, or unpaid
        // days off.
        let mut worked = Vec::with_capacity(self.staff.len());
        for (index, member) in self.setup.staff.iter().enumerate() {
            let file = &mut self.staff[index];
            // Paid leave: accrued for the month, and some of it taken.
            let mut events = file.leave.handle(&LeaveCommand::Accrue { through: last })?;
            if !member.hourly && self.dice.chance(30) {
                let start = first + TimeDelta::days(i64::try_from(self.dice.below(20))?);
                let id = LeaveRequestId::from_u128(
                    u128::from(first.year().unsigned_abs()) * 10_000
                        + u128::from(first.month()) * 1_000
                        + u128::try_from(index)?,
                );
                let span =
                    LeaveSpan::new(bureau::DateRange::new(start, start + TimeDelta::days(2))?)?;
                // A request the policy refuses (a balance too low, days
                // off already) is simply not made.
                if let Ok(requested) = file.leave.handle(&LeaveCommand::Request { id, span }) {
                    events.extend(requested);
                    events.extend(file.leave.handle(&LeaveCommand::Approve { id })?);
                    if let Some(request) = file.leave.request(id) {
                        leave_days += request.days().value();
                    }
                }
            }
            self.outbox
                .record(&format!("leave-{}", member.employee), &events, at)?;
            if member.hourly {
                let mut sheet = file.timesheet.take().ok_or("no timesheet")?;
                let mut events = sheet.handle(&TimesheetCommand::Submit)?;
                events.extend(sheet.handle(&TimesheetCommand::Approve {
                    approver: CONTROLLER,
                })?);
                let stream = format!("timesheet-{}-{}", member.employee, first.format("%Y-%m"));
                self.outbox.record(&stream, &events, at)?;
                let hours = self.setup.overtime.classify(
                    &self.setup.office,
                    &self.setup.pay_schedule,
                    sheet.intervals(),
                )?;
                let month_hours = hours.into_iter().next().ok_or("no hours")?;
                overtime += month_hours.total().value()
                    - month_hours
                        .hours_at(bureau::hr::Multiplier::REGULAR)
                        .value();
                worked.push((Some(month_hours), false));
            } else {
                let unpaid = self.dice.chance(8);
                if unpaid {
                    unpaid_days += Decimal::ONE;
                }
                worked.push((None, unpaid));
            }
        }
        let mut inputs = Vec::with_capacity(worked.len());
        for (member, (hours, unpaid)) in self.setup.staff.iter().zip(&worked) {
            let mut input = PayInput::new(
                member.employee,
                period,
                PayFrequency::Monthly,
                first.month(),
                member.rate,
                &self.setup.office,
            );
            if let Some(hours) = hours {
                input = input.with_hours(hours);
            }
            if *unpaid {
                input = input.with_unpaid_leave(LeaveDays::from(1));
            }
            inputs.push(input);
        }
        let calculation = PayrollCalculation::run(
            &self.setup.payroll,
            inputs
                .into_iter()
                .zip(self.staff.iter().map(|s| &s.year_to_date)),
        )?;
        for (file, payslip) in self.staff.iter_mut().zip(calculation.payslips()) {
            file.year_to_date = payslip.year_to_date().clone();
        }
        let tax = calculation
            .total_of(bureau::hr::LineKind::IncomeTax)
            .map_or(Money::zero(BASE), |t| t.amount);
        self.payroll.push(PayrollMonth {
            period: month,
            payslips: calculation.payslips().len(),
            gross: calculation.gross(),
            employer: calculation.employer_cost(),
            tax,
            net: calculation.net(),
            overtime_hours: overtime,
            unpaid_days,
            leave_days,
        });
        let mut run = PayrollRun::default();
        let mut events = run.handle(&PayrollRunCommand::Open {
            period,
            config: self.setup.payroll.clone(),
        })?;
        events.extend(run.handle(&PayrollRunCommand::Calculate { calculation })?);
        events.extend(run.handle(&PayrollRunCommand::Approve {
            approver: CONTROLLER,
            on: last,
        })?);
        let staff = &self.setup.staff;
        let centre_of = |employee| {
            staff
                .iter()
                .find(|s| s.employee == employee)
                .map(|s| s.centre.clone())
        };
        let entry = self.entries + 1;
        self.entries += 1;
        let accrual = payroll_entry(
            &self.mapping,
            &run,
            &PayrollPosting::new(EntryId::from_u128(entry), centre_of),
        )?;
        let paid = run.handle(&PayrollRunCommand::Pay { on: last })?;
        events.extend(paid.iter().cloned());
        self.outbox
            .record(&format!("payroll-{}", first.format("%Y-%m")), &events, at)?;
        self.post(accrual, at)?;
        for event in &paid {
            if matches!(event, PayrollRunEvent::Paid { .. }) {
                let entry = self.next_entry();
                let payment = salaries_paid_entry(&self.mapping, event, entry)?;
                self.post(payment, at)?;
            }
        }
        // Customers flagged for two breaches or more may leave; the others'
        // flags are cleared by their account manager.
        let flagged: Vec<PartyId> = self.flags.flagged().collect();
        let mut flag_events = Vec::new();
        for party in flagged {
            let breaches = self.flags.breaches(party).count();
            let index = self.customers.iter().position(|c| c.party == party);
            if breaches >= 2
                && self.dice.chance(50)
                && let Some(customer) = index.and_then(|i| self.customers.get_mut(i))
            {
                customer.churned = true;
            }
            flag_events.extend(self.flags.handle(&FlagCommand::Clear {
                customer: party,
                at,
            })?);
        }
        self.outbox.record("flags", &flag_events, at)?;
        // The month is closed.
        self.book(&LedgerCommand::LockPeriod(SoftLock::new(month)), at)?;
        Ok(())
    }
}

/// A won deal's lines: seats, and maybe training days.
fn deal_lines(seats: u32, training_days: u32) -> Vec<(bureau::ProductId, u32)> {
    let mut lines = vec![(LICENCE, seats)];
    if training_days > 0 {
        lines.push((TRAINING, training_days));
    }
    lines
}
