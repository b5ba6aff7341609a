# bench/run protection: latency p99 per condition (bars, left axis) and the
# batch group's CPU-seconds (points, right axis).
# gnuplot -e "dat='...'; out='...'; subtitle='...'" bench/plot_protection.gp
# dat columns: index condition p50_ms p99_ms max_ms batch_cpu_s
set terminal pngcairo size 1000,560 font "sans,11" noenhanced
set output out
set title "latency task response time vs batch throughput per condition\n".subtitle
set style fill solid 0.6 border -1
set boxwidth 0.6
set ylabel "latency response p99 (ms, log scale)"
set logscale y
set y2label "batch CPU-seconds"
set y2range [0:*]
set y2tics
set ytics nomirror
set xtics rotate by -20
set xrange [-0.6:*]
set grid ytics
set key top left box opaque
plot dat using 1:4:xtic(2) with boxes lc rgb "#1f77b4" title "p99", \
     dat using 1:3 with points pt 7 ps 1.2 lc rgb "#2ca02c" title "p50", \
     dat using 1:6 axes x1y2 with linespoints pt 5 ps 1.4 lw 2 lc rgb "#d62728" title "batch CPU-s (right)", \
     dat using 1:4:(sprintf("%.1f", $4)) with labels offset 0,0.8 notitle
