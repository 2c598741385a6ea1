//! The org chart: who reports to whom and in which department, effective
//! dated, never with a reporting cycle.

use std::collections::{BTreeMap, BTreeSet};

use bureau_core::{Aggregate, DomainEvent, EmployeeId};
use chrono::NaiveDate;

use crate::{DepartmentName, Error, Result};

/// Where someone sits in the organisation: a department and a manager
/// (`None` at the top).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Placement {
    department: DepartmentName,
    manager: Option<EmployeeId>,
}

impl Placement {
    /// In `department`, reporting to `manager`.
    pub fn new(department: DepartmentName, manager: Option<EmployeeId>) -> Self {
        Self {
            department,
            manager,
        }
    }

    /// The department.
    pub fn department(&self) -> &DepartmentName {
        &self.department
    }

    /// The manager, `None` at the top.
    pub fn manager(&self) -> Option<EmployeeId> {
        self.manager
    }
}

/// A change asked of an [`OrgChart`]. Changes come in date order: each is
/// dated on or after the latest one accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OrgCommand {
    /// Put `employee` at `placement` from `date` (joining or moving).
    Place {
        /// Who.
        employee: EmployeeId,
        /// From when.
        date: NaiveDate,
        /// Where.
        placement: Placement,
    },
    /// Take `employee` out of the chart from `date` (they left).
    Remove {
        /// Who.
        employee: EmployeeId,
        /// From when.
        date: NaiveDate,
    },
}

/// What happened to an [`OrgChart`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OrgEvent {
    /// `employee` sits at `placement` from `date`.
    Placed {
        /// Who.
        employee: EmployeeId,
        /// From when.
        date: NaiveDate,
        /// Where.
        placement: Placement,
    },
    /// `employee` is out of the chart from `date`.
    Removed {
        /// Who.
        employee: EmployeeId,
        /// From when.
        date: NaiveDate,
    },
}

impl DomainEvent for OrgEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Placed { .. } => "placed",
            Self::Removed { .. } => "removed",
        }
    }
}

/// Reporting lines and departments over time. Every accepted command leaves
/// a chart where following managers upwards always ends at the top: a
/// change that would close a loop is [`Error::ReportingCycle`], a manager
/// must be in the chart, and someone with reports cannot be removed.
/// Because changes come in date order, the chart as of any date is a state
/// some accepted command left, so it has no cycle either.
///
/// # Examples
///
/// ```
/// use bureau_core::{Aggregate, EmployeeId};
/// use bureau_hr::{DepartmentName, OrgChart, OrgCommand, Placement};
/// use chrono::NaiveDate;
/// let day = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
/// let [ceo, cto, dev] = [1, 2, 3].map(EmployeeId::from_u128);
/// let eng = DepartmentName::new("Engineering")?;
/// let mut chart = OrgChart::new();
/// for (who, manager) in [(ceo, None), (cto, Some(ceo)), (dev, Some(cto))] {
///     chart.handle(&OrgCommand::Place { employee: who, date: day, placement: Placement::new(eng.clone(), manager) })?;
/// }
/// assert_eq!(chart.chain_of_command(dev, day), vec![cto, ceo]);
/// assert_eq!(chart.all_reports(ceo, day), vec![cto, dev]);
/// assert_eq!(chart.span_of_control(cto, day), 1);
/// assert_eq!(chart.headcount_by_department(day).get(&eng), Some(&3));
///
/// let loop_back = OrgCommand::Place { employee: ceo, date: day, placement: Placement::new(eng, Some(dev)) };
/// assert!(chart.decide(&loop_back).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgChart {
    placements: BTreeMap<EmployeeId, Vec<(NaiveDate, Option<Placement>)>>,
    latest: Option<NaiveDate>,
}

impl OrgChart {
    /// An empty chart.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where `employee` sits on `date`, `None` when not in the chart then.
    pub fn placement(&self, employee: EmployeeId, date: NaiveDate) -> Option<&Placement> {
        let history = self.placements.get(&employee)?;
        let after = history.partition_point(|(from, _)| *from <= date);
        after
            .checked_sub(1)
            .and_then(|i| history.get(i))
            .and_then(|(_, placement)| placement.as_ref())
    }

    /// `employee`'s manager on `date`.
    pub fn manager_of(&self, employee: EmployeeId, date: NaiveDate) -> Option<EmployeeId> {
        self.placement(employee, date).and_then(Placement::manager)
    }

    /// The managers above `employee` on `date`, nearest first, ending at
    /// the top of the organisation.
    pub fn chain_of_command(&self, employee: EmployeeId, date: NaiveDate) -> Vec<EmployeeId> {
        let mut chain = Vec::new();
        let mut current = employee;
        // The chart has no cycle; the bound only keeps a corrupted chart
        // (impossible through `apply` of decided events) from looping.
        while let Some(manager) = self.manager_of(current, date) {
            if chain.len() > self.placements.len() {
                break;
            }
            chain.push(manager);
            current = manager;
        }
        chain
    }

    /// Who reports directly to `manager` on `date`, in id order.
    pub fn direct_reports(&self, manager: EmployeeId, date: NaiveDate) -> Vec<EmployeeId> {
        self.placements
            .keys()
            .copied()
            .filter(|e| self.manager_of(*e, date) == Some(manager))
            .collect()
    }

    /// Everyone below `manager` on `date`, directly or not: breadth first,
    /// each level in id order.
    pub fn all_reports(&self, manager: EmployeeId, date: NaiveDate) -> Vec<EmployeeId> {
        let mut by_manager: BTreeMap<EmployeeId, Vec<EmployeeId>> = BTreeMap::new();
        for employee in self.placements.keys() {
            if let Some(boss) = self.manager_of(*employee, date) {
                by_manager.entry(boss).or_default().push(*employee);
            }
        }
        let mut reports = Vec::new();
        let mut seen = BTreeSet::from([manager]);
        let mut next = 0;
        let mut frontier = vec![manager];
        while let Some(&boss) = frontier.get(next) {
            next += 1;
            for report in by_manager.get(&boss).into_iter().flatten() {
                if seen.insert(*report) {
                    reports.push(*report);
                    frontier.push(*report);
                }
            }
        }
        reports
    }

    /// How many people report directly to `manager` on `date`.
    pub fn span_of_control(&self, manager: EmployeeId, date: NaiveDate) -> usize {
        self.direct_reports(manager, date).len()
    }

    /// How many people sit in each department on `date`.
    pub fn headcount_by_department(&self, date: NaiveDate) -> BTreeMap<DepartmentName, usize> {
        let mut counts = BTreeMap::new();
        for employee in self.placements.keys() {
            if let Some(placement) = self.placement(*employee, date) {
                *counts.entry(placement.department.clone()).or_insert(0) += 1;
            }
        }
        counts
    }

    /// Everyone in the chart on `date`, in id order.
    pub fn members(&self, date: NaiveDate) -> Vec<EmployeeId> {
        self.placements
            .keys()
            .copied()
            .filter(|e| self.placement(*e, date).is_some())
            .collect()
    }

    /// Whether the chart as of `date` has a reporting cycle: `false` for
    /// every chart built from accepted commands (the property tests check it).
    pub fn has_cycle(&self, date: NaiveDate) -> bool {
        self.placements.keys().any(|start| {
            let mut current = *start;
            let mut steps = 0;
            while let Some(manager) = self.manager_of(current, date) {
                if manager == *start || steps > self.placements.len() {
                    return true;
                }
                steps += 1;
                current = manager;
            }
            false
        })
    }

    fn check_date(&self, date: NaiveDate) -> Result<()> {
        match self.latest {
            Some(latest) if date < latest => Err(Error::OrgBackdated { date, latest }),
            _ => Ok(()),
        }
    }
}

impl Aggregate for OrgChart {
    type Command = OrgCommand;
    type Event = OrgEvent;
    type Error = Error;

    fn decide(&self, command: &OrgCommand) -> Result<Vec<OrgEvent>> {
        match command {
            OrgCommand::Place {
                employee,
                date,
                placement,
            } => {
                self.check_date(*date)?;
                if let Some(manager) = placement.manager {
                    if manager == *employee {
                        return Err(Error::SelfManaged {
                            employee: *employee,
                        });
                    }
                    if self.placement(manager, *date).is_none() {
                        return Err(Error::NotInOrgChart {
                            employee: manager,
                            date: *date,
                        });
                    }
                    if self.chain_of_command(manager, *date).contains(employee) {
                        return Err(Error::ReportingCycle {
                            employee: *employee,
                            manager,
                        });
                    }
                }
                Ok(vec![OrgEvent::Placed {
                    employee: *employee,
                    date: *date,
                    placement: placement.clone(),
                }])
            }
            OrgCommand::Remove { employee, date } => {
                self.check_date(*date)?;
                if self.placement(*employee, *date).is_none() {
                    return Err(Error::NotInOrgChart {
                        employee: *employee,
                        date: *date,
                    });
                }
                let reports = self.span_of_control(*employee, *date);
                if reports > 0 {
                    return Err(Error::HasReports {
                        employee: *employee,
                        reports,
                    });
                }
                Ok(vec![OrgEvent::Removed {
                    employee: *employee,
                    date: *date,
                }])
            }
        }
    }

    /// Replays a stored event only if deciding the command it records, on
    /// the current state, gives that same event back.
    ///
    /// # Errors
    ///
    /// The error the command would get, or [`Error::ReplayRejected`].
    fn replay(&mut self, event: &OrgEvent) -> Result<()> {
        let command = match event.clone() {
            OrgEvent::Placed {
                employee,
                date,
                placement,
            } => OrgCommand::Place {
                employee,
                date,
                placement,
            },
            OrgEvent::Removed { employee, date } => OrgCommand::Remove { employee, date },
        };
        crate::replay::by_deciding(self, &command, event)
    }

    fn apply(&mut self, event: &OrgEvent) {
        let (employee, date, placement) = match event {
            OrgEvent::Placed {
                employee,
                date,
                placement,
            } => (*employee, *date, Some(placement.clone())),
            OrgEvent::Removed { employee, date } => (*employee, *date, None),
        };
        let history = self.placements.entry(employee).or_default();
        // A second change on the same day replaces the first, so the chart
        // as of that day is the one the later command was checked against.
        if history.last().is_some_and(|(from, _)| *from == date) {
            history.pop();
        }
        history.push((date, placement));
        self.latest = Some(self.latest.map_or(date, |latest| latest.max(date)));
    }
}
