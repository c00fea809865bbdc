# expect: 6:1 a series with 2 dimensions; the header says @univariate true (line 3)
@problemName Broken
@univariate true
@classLabel true a b
@data
1,2,3:4,5,6:a
