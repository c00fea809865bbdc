# expect: 9:1 a series of 2 values; the header says @seriesLength 3 (line 5)
@problemName Broken
@univariate true
@equalLength true
@seriesLength 3
@classLabel true a b
@data
1,2,3:a
4,5:b
