-- analytics.strength_areas({{from}}, {{to}}) over the peer's views: mean
-- score per feedback criterion over the range, platform-wide.
select c.criterion, round(sum(c.score_sum) / sum(c.reports), 3) as average_score, sum(c.reports)::bigint as reports
from bench_peer.daily_criteria_scores c
where c.day between {{from}} and {{to}}
group by c.criterion
order by c.criterion
