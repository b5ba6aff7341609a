# bench/run protection, scenario B: left, the latency task's response time
# per condition (p99 bars, p50 points) against 1.5x the idle p99; right,
# alcove_psi's quotas read from the cgroup files over the run (lat, batch
# and their sum) against the total budget.
# gnuplot -e "dat='...'; qdat='...'; budget=1.8; out='...'; subtitle='...'" bench/plot_protection_b.gp
# dat columns: index condition p50_ms p99_ms max_ms batch_cpu_s
# qdat columns: t_s lat_cpus batch_cpus sum_cpus lat_burst_ms
set terminal pngcairo size 1300,560 font "sans,11" noenhanced
set output out
stats dat using 4 every ::0::0 nooutput
idle99 = STATS_min
set multiplot layout 1,2 title "scenario B: a latency group under its own limit, bursts, a total budget\n".subtitle
set style fill solid 0.6 border -1
set boxwidth 0.6
set ylabel "response time (ms)"
set yrange [0:*]
set xtics rotate by -20
set xrange [-0.6:*]
set grid ytics
set offsets 0, 0, graph 0.25, 0
set key top left box opaque
plot dat using 1:4:xtic(2) with boxes lc rgb "#1f77b4" title "p99", \
     dat using 1:3 with points pt 7 ps 1.2 lc rgb "#2ca02c" title "p50", \
     1.5 * idle99 with lines dt 2 lw 2 lc rgb "#d62728" title "target: 1.5x idle p99", \
     dat using 1:4:(sprintf("%.0f", $4)) with labels offset 0,0.8 notitle
unset xrange
unset yrange
set offsets 0, 0, 0, 0
set xtics norotate
set xlabel "seconds into alcove_psi's first round (sampled every 10 ms)"
set ylabel "quota (CPUs = quota / period)"
set yrange [0:budget * 1.2]
set key bottom right box opaque
plot qdat using 1:4 with steps lw 2 lc rgb "#000000" title "lat + batch", \
     qdat using 1:3 with steps lw 1.5 lc rgb "#d62728" title "batch", \
     qdat using 1:2 with steps lw 1.5 lc rgb "#1f77b4" title "lat", \
     budget with lines dt 2 lw 2 lc rgb "#7f7f7f" title "total budget"
unset multiplot
