//! Timesheets: the worked intervals of one employee over one pay period.

use core::fmt;

use bureau_calendar::{Calendar, WallInterval};
use bureau_core::{Aggregate, DateRange, DomainEvent, EmployeeId};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};

use crate::time::hours::{CENTIHOUR_SECONDS, Hours};
use crate::{Error, Reason, Result};

/// The longest worked interval: one sitting of a day.
const MAX_INTERVAL_SECONDS: i64 = 86_400;

/// A worked interval `[start, end)` between two instants, at most 24 hours
/// long, both ends on the hundredth-of-an-hour grid (every 36 seconds from
/// the Unix epoch, which includes every whole multiple of 3 minutes in any
/// time zone whose offset is a whole quarter hour): a clock's punches are
/// rounded by the caller's own rule (to 3, 6 or 15 minutes) before they
/// are recorded, and hours stay exact decimals.
///
/// ```
/// use bureau_hr::WorkInterval;
/// use chrono::{TimeZone, Utc};
/// let start = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).single().ok_or("time")?;
/// let end = Utc.with_ymd_and_hms(2026, 3, 2, 16, 30, 0).single().ok_or("time")?;
/// assert_eq!(WorkInterval::new(start, end)?.hours().to_string(), "8.5");
/// let odd = Utc.with_ymd_and_hms(2026, 3, 2, 16, 31, 0).single().ok_or("time")?;
/// assert!(WorkInterval::new(start, odd).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct WorkInterval {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl WorkInterval {
    /// The interval from `start` to `end`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWorkInterval`] when `end` is not after `start`, the
    /// interval is longer than 24 hours, or an end is off the
    /// hundredth-of-an-hour grid.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self> {
        let reject = |reason| Err(Error::InvalidWorkInterval { start, end, reason });
        if end <= start {
            return reject("it does not end after it starts");
        }
        if (end - start).num_seconds() > MAX_INTERVAL_SECONDS {
            return reject("it is longer than 24 hours");
        }
        let on_grid = |t: DateTime<Utc>| {
            t.timestamp_subsec_nanos() == 0 && t.timestamp().rem_euclid(CENTIHOUR_SECONDS) == 0
        };
        if !on_grid(start) || !on_grid(end) {
            return reject("its ends are not on a hundredth of an hour (36 seconds)");
        }
        Ok(Self { start, end })
    }

    /// The first instant worked.
    pub const fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The instant work stopped.
    pub const fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// How long, exactly.
    pub fn hours(&self) -> Hours {
        Hours::from_centi((self.end - self.start).num_seconds() / CENTIHOUR_SECONDS)
    }

    /// Whether the two share an instant (touching ends do not).
    pub fn overlaps(&self, other: &Self) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for WorkInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start.to_rfc3339(), self.end.to_rfc3339())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for WorkInterval {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            start: DateTime<Utc>,
            end: DateTime<Utc>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Self::new(raw.start, raw.end).map_err(serde::de::Error::custom)
    }
}

/// Worked time as a caller has it: two instants, or a local date and
/// wall-clock interval on the employee's calendar (an end at or before the
/// start is on the next day, as [`WallInterval`] reads it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum WorkedTime {
    /// Between two instants.
    Between(WorkInterval),
    /// A wall-clock interval starting on a local date.
    OnDay {
        /// The local date the interval starts on.
        date: NaiveDate,
        /// The wall-clock times.
        interval: WallInterval,
    },
}

impl WorkedTime {
    /// The instants, reading local times in `calendar`'s time zone (an
    /// ambiguous time after a clock change is its earlier instant).
    ///
    /// # Errors
    ///
    /// [`Error::NonexistentLocalTime`] for a time skipped by a clock
    /// change; [`Error::InvalidWorkInterval`] as [`WorkInterval::new`].
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use bureau_hr::WorkedTime;
    /// use chrono::NaiveDate;
    /// let calendar = Calendar::new(Schedule::weekdays(Tz::Europe__Berlin, "09:00-17:00".parse()?)?);
    /// let night = WorkedTime::OnDay { date: NaiveDate::from_ymd_opt(2026, 3, 28).ok_or("date")?, interval: "22:00-06:00".parse()? };
    /// // Clocks go forward that night: seven hours worked.
    /// assert_eq!(night.resolve(&calendar)?.hours().to_string(), "7");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve(&self, calendar: &Calendar) -> Result<WorkInterval> {
        match *self {
            Self::Between(interval) => Ok(interval),
            Self::OnDay { date, interval } => {
                let tz = calendar.schedule().time_zone();
                let at = |seconds: u32| -> Result<DateTime<Utc>> {
                    date.checked_add_days(Days::new(u64::from(seconds / 86_400)))
                        .map(|day| day.and_time(chrono::NaiveTime::MIN))
                        .and_then(|midnight| {
                            midnight.checked_add_signed(chrono::TimeDelta::seconds(i64::from(
                                seconds % 86_400,
                            )))
                        })
                        .and_then(|naive| tz.from_local_datetime(&naive).earliest())
                        .map(|t| t.with_timezone(&Utc))
                        .ok_or(Error::NonexistentLocalTime {
                            date,
                            time: interval,
                        })
                };
                WorkInterval::new(at(interval.start_seconds())?, at(interval.end_seconds())?)
            }
        }
    }
}

/// Where a timesheet stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TimesheetStatus {
    /// Taking worked time.
    Open,
    /// Sent for approval; no more worked time.
    Submitted,
    /// Approved: final.
    Approved,
}

impl fmt::Display for TimesheetStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Open => "open",
            Self::Submitted => "submitted",
            Self::Approved => "approved",
        })
    }
}

/// What a caller asks of a [`Timesheet`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TimesheetCommand {
    /// Start the timesheet of `period` (local dates) on the employee's
    /// calendar, which reads local times and names holidays and rest days:
    /// the command that creates a timesheet, accepted only on
    /// [`Timesheet::default`].
    Open {
        /// Whose timesheet it is.
        employee: EmployeeId,
        /// The days it covers: usually a [`PayPeriod`](crate::PayPeriod)'s range.
        period: DateRange,
        /// The employee's working-time calendar.
        calendar: Calendar,
    },
    /// Record worked time starting on one of the period's local dates;
    /// overlapping time already recorded is refused.
    Record {
        /// The time.
        work: WorkedTime,
    },
    /// Send for approval.
    Submit,
    /// Approve a submitted timesheet.
    Approve {
        /// Who approves: not the employee.
        approver: EmployeeId,
    },
    /// Send a submitted timesheet back to be corrected.
    Return {
        /// Why.
        reason: Reason,
    },
}

/// What happened to a [`Timesheet`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TimesheetEvent {
    /// Opened.
    Opened {
        /// Whose timesheet it is.
        employee: EmployeeId,
        /// The days it covers.
        period: DateRange,
        /// The employee's calendar.
        calendar: Calendar,
    },
    /// Worked time recorded, as instants.
    Recorded {
        /// The interval.
        interval: WorkInterval,
    },
    /// Submitted.
    Submitted,
    /// Approved.
    Approved {
        /// Who approved.
        approver: EmployeeId,
    },
    /// Returned to be corrected.
    Returned {
        /// Why.
        reason: Reason,
    },
}

impl DomainEvent for TimesheetEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Opened { .. } => "timesheet_opened",
            Self::Recorded { .. } => "work_recorded",
            Self::Submitted => "timesheet_submitted",
            Self::Approved { .. } => "timesheet_approved",
            Self::Returned { .. } => "timesheet_returned",
        }
    }
}

/// One employee's worked intervals over a period, an aggregate: opened
/// with the period and the employee's calendar, filled with
/// [`TimesheetCommand::Record`] (never two overlapping intervals), then
/// submitted and approved (or returned and corrected). Classify its
/// intervals with [`OvertimeRules::classify`](crate::OvertimeRules::classify).
///
/// ```
/// use bureau_calendar::{Calendar, Schedule, Tz};
/// use bureau_core::{Aggregate, DateRange, EmployeeId};
/// use bureau_hr::{Timesheet, TimesheetCommand, TimesheetStatus, WorkedTime};
/// use chrono::NaiveDate;
///
/// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let calendar = Calendar::new(Schedule::weekdays(Tz::America__New_York, "09:00-17:00".parse()?)?);
/// let mut sheet = Timesheet::default();
/// sheet.handle(&TimesheetCommand::Open { employee: EmployeeId::from_u128(7), period: DateRange::new(d(3, 1)?, d(4, 1)?)?, calendar })?;
/// sheet.handle(&TimesheetCommand::Record { work: WorkedTime::OnDay { date: d(3, 2)?, interval: "08:00-12:00".parse()? } })?;
/// let overlap = WorkedTime::OnDay { date: d(3, 2)?, interval: "11:00-15:00".parse()? };
/// assert!(sheet.handle(&TimesheetCommand::Record { work: overlap }).is_err());
/// sheet.handle(&TimesheetCommand::Submit)?;
/// sheet.handle(&TimesheetCommand::Approve { approver: EmployeeId::from_u128(1) })?;
/// assert_eq!(sheet.status(), Some(TimesheetStatus::Approved));
/// assert_eq!(sheet.total().to_string(), "4");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`Timesheet::default`] is a timesheet not opened yet, the state a stored
/// stream starts from: it accepts [`TimesheetCommand::Open`] and refuses
/// every other command with [`Error::NotCreated`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timesheet {
    setup: Option<Setup>,
    intervals: Vec<WorkInterval>,
}

/// What an opened timesheet is for; absent before it is opened.
#[derive(Clone, Debug, PartialEq)]
struct Setup {
    employee: EmployeeId,
    period: DateRange,
    calendar: Calendar,
    status: TimesheetStatus,
}

impl Timesheet {
    /// The employee, `None` before it is opened.
    pub fn employee(&self) -> Option<EmployeeId> {
        self.setup.as_ref().map(|s| s.employee)
    }

    /// Where it stands; `None` before it is opened.
    pub fn status(&self) -> Option<TimesheetStatus> {
        self.setup.as_ref().map(|s| s.status)
    }

    /// The days it covers, once opened.
    pub fn period(&self) -> Option<DateRange> {
        self.setup.as_ref().map(|s| s.period)
    }

    /// The employee's calendar, once opened.
    pub fn calendar(&self) -> Option<&Calendar> {
        self.setup.as_ref().map(|s| &s.calendar)
    }

    /// The recorded intervals, in time order, none overlapping.
    pub fn intervals(&self) -> &[WorkInterval] {
        &self.intervals
    }

    /// All hours recorded.
    pub fn total(&self) -> Hours {
        self.intervals.iter().map(WorkInterval::hours).sum()
    }

    fn set_status(&mut self, status: TimesheetStatus) {
        if let Some(setup) = &mut self.setup {
            setup.status = status;
        }
    }

    /// The setup of a timesheet standing at `wanted`.
    fn expect_status(&self, wanted: TimesheetStatus, command: &'static str) -> Result<&Setup> {
        let setup = self.setup.as_ref().ok_or(Error::NotCreated {
            aggregate: "timesheet",
            command,
        })?;
        if setup.status == wanted {
            return Ok(setup);
        }
        Err(Error::TimesheetNotAllowed {
            employee: setup.employee,
            status: setup.status,
            command,
        })
    }
}

impl Aggregate for Timesheet {
    type Command = TimesheetCommand;
    type Event = TimesheetEvent;
    type Error = Error;

    fn decide(&self, command: &TimesheetCommand) -> Result<Vec<TimesheetEvent>> {
        match command {
            TimesheetCommand::Open {
                employee,
                period,
                calendar,
            } => {
                if let Some(setup) = &self.setup {
                    return Err(Error::TimesheetNotAllowed {
                        employee: setup.employee,
                        status: setup.status,
                        command: "open",
                    });
                }
                Ok(vec![TimesheetEvent::Opened {
                    employee: *employee,
                    period: *period,
                    calendar: calendar.clone(),
                }])
            }
            TimesheetCommand::Record { work } => {
                let Setup {
                    period, calendar, ..
                } = self.expect_status(TimesheetStatus::Open, "record work")?;
                let interval = work.resolve(calendar)?;
                let tz = calendar.schedule().time_zone();
                let day = interval.start.with_timezone(&tz).date_naive();
                if !period.contains(day) {
                    return Err(Error::WorkOutsidePeriod {
                        interval,
                        period: *period,
                    });
                }
                if let Some(existing) = self.intervals.iter().find(|i| i.overlaps(&interval)) {
                    return Err(Error::OverlappingWork {
                        interval,
                        existing: *existing,
                    });
                }
                Ok(vec![TimesheetEvent::Recorded { interval }])
            }
            TimesheetCommand::Submit => {
                self.expect_status(TimesheetStatus::Open, "submit")?;
                Ok(vec![TimesheetEvent::Submitted])
            }
            TimesheetCommand::Approve { approver } => {
                let setup = self.expect_status(TimesheetStatus::Submitted, "approve")?;
                if *approver == setup.employee {
                    return Err(Error::SelfApproval {
                        employee: setup.employee,
                    });
                }
                Ok(vec![TimesheetEvent::Approved {
                    approver: *approver,
                }])
            }
            TimesheetCommand::Return { reason } => {
                self.expect_status(TimesheetStatus::Submitted, "return")?;
                Ok(vec![TimesheetEvent::Returned {
                    reason: reason.clone(),
                }])
            }
        }
    }

    fn apply(&mut self, event: &TimesheetEvent) {
        match event {
            TimesheetEvent::Opened {
                employee,
                period,
                calendar,
            } => {
                self.setup = Some(Setup {
                    employee: *employee,
                    period: *period,
                    calendar: calendar.clone(),
                    status: TimesheetStatus::Open,
                });
            }
            TimesheetEvent::Recorded { interval } => {
                let at = self.intervals.partition_point(|i| i < interval);
                self.intervals.insert(at, *interval);
            }
            TimesheetEvent::Submitted => self.set_status(TimesheetStatus::Submitted),
            TimesheetEvent::Approved { .. } => self.set_status(TimesheetStatus::Approved),
            TimesheetEvent::Returned { .. } => self.set_status(TimesheetStatus::Open),
        }
    }

    /// Replays a stored event only if deciding the command it records, on
    /// the current state, gives that same event back.
    ///
    /// # Errors
    ///
    /// The error the command would get, or [`Error::ReplayRejected`].
    fn replay(&mut self, event: &TimesheetEvent) -> Result<()> {
        let command = match event.clone() {
            TimesheetEvent::Opened {
                employee,
                period,
                calendar,
            } => TimesheetCommand::Open {
                employee,
                period,
                calendar,
            },
            TimesheetEvent::Recorded { interval } => TimesheetCommand::Record {
                work: WorkedTime::Between(interval),
            },
            TimesheetEvent::Submitted => TimesheetCommand::Submit,
            TimesheetEvent::Approved { approver } => TimesheetCommand::Approve { approver },
            TimesheetEvent::Returned { reason } => TimesheetCommand::Return { reason },
        };
        crate::replay::by_deciding(self, &command, event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_intervals_do_not_overlap() -> Result<()> {
        let t = |h| {
            Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0)
                .single()
                .unwrap_or_default()
        };
        let a = WorkInterval::new(t(8), t(12))?;
        let b = WorkInterval::new(t(12), t(13))?;
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&WorkInterval::new(t(11), t(13))?));
        Ok(())
    }
}
