# bench/run writes: us per batch against batch size, io_uring and write(2).
# gnuplot -e "dat='...'; out='...'; subtitle='...'" bench/plot_writes.gp
# dat columns: size sync_mean sync_p50 sync_p99 uring_mean uring_p50 uring_p99
set terminal pngcairo size 900,560 font "sans,11" noenhanced
set output out
set title "cgroup writes per batch: io_uring vs write(2)\n".subtitle
set xlabel "writes per batch"
set ylabel "microseconds per batch (log scale)"
set logscale y
set xtics ("1" 1, "3" 3, "8" 8)
set xrange [0.5:8.5]
set yrange [0.5:*]
set grid ytics mytics
set key top left box opaque
set style line 1 lc rgb "#1f77b4" lw 2 pt 7 ps 1.3
set style line 2 lc rgb "#d62728" lw 2 pt 5 ps 1.3
set style line 3 lc rgb "#1f77b4" lw 1 dt 2 pt 6
set style line 4 lc rgb "#d62728" lw 1 dt 2 pt 4
plot dat using 1:3 with linespoints ls 1 title "write(2) p50", \
     dat using 1:4 with linespoints ls 3 title "write(2) p99", \
     dat using 1:6 with linespoints ls 2 title "io_uring p50", \
     dat using 1:7 with linespoints ls 4 title "io_uring p99", \
     dat using 1:3:(sprintf("%.1f", $3)) with labels offset 0,-1.2 notitle, \
     dat using 1:6:(sprintf("%.1f", $6)) with labels offset 0,-1.2 notitle
