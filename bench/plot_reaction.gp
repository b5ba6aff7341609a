# bench/run reaction: CDF of onset -> first batch quota cut, per kind and mode.
# gnuplot -e "dir='build/bench'; out='...'; subtitle='...'" bench/plot_reaction.gp
# dat files reaction.KIND.MODE.dat: cut_ms fraction_of_trials
set terminal pngcairo size 900,560 font "sans,11" noenhanced
set output out
set title "alcove sched: onset of load -> first batch quota cut\n".subtitle
set xlabel "ms after onset (log scale)"
set ylabel "fraction of trials cut by then"
set logscale x
set yrange [0:1.05]
set grid
set key bottom right box opaque
plot dir.'/reaction.stall.psi.dat' using 1:2 with steps lw 2 lc rgb "#1f77b4" title "latency stall, psi mode", \
     dir.'/reaction.stall.poll.dat' using 1:2 with steps lw 2 lc rgb "#d62728" title "latency stall, poll mode", \
     dir.'/reaction.hog.psi.dat' using 1:2 with steps lw 2 dt 2 lc rgb "#1f77b4" title "hog onset, psi mode", \
     dir.'/reaction.hog.poll.dat' using 1:2 with steps lw 2 dt 2 lc rgb "#d62728" title "hog onset, poll mode"
